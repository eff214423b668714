import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { RECEIPT_PROVIDER_IDS } from '../../../channels/receipts/registry';
import type { AppEnv } from '../../context';

export const ReceiptUrlsSchema = z
  .object({
    urls: z.record(z.enum(RECEIPT_PROVIDER_IDS), z.string()).openapi({
      description:
        'Give each provider its URL (SES: an SNS HTTPS subscription). Keep them secret: they name your tenant.',
    }),
  })
  .openapi('InboundHookUrls');

/** The origin receipt URLs are built on: the configured public URL, else the one the request came to. */
export const receiptOrigin = (c: Context<AppEnv>) => new URL(c.var.config.PUBLIC_BASE_URL || c.req.url).origin;
