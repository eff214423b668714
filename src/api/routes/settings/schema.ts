import { z } from '@hono/zod-openapi';
import {
  DEFAULT_RETENTION_DAYS,
  effectiveRetentionDays,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
} from '../../../domain/retention/retention-policy';

export const RetentionSchema = z
  .object({
    days: z.number().int().openapi({ description: 'Days message bodies and attempt details are kept' }),
    isDefault: z
      .boolean()
      .openapi({ description: `True while the platform default (${DEFAULT_RETENTION_DAYS}) applies` }),
  })
  .openapi('RetentionSettings');

export const RetentionBody = z
  .object({
    days: z
      .number()
      .int()
      .min(MIN_RETENTION_DAYS)
      .max(MAX_RETENTION_DAYS)
      .nullable()
      .openapi({ description: `${MIN_RETENTION_DAYS}–${MAX_RETENTION_DAYS}; null returns to the default` }),
  })
  .strict()
  .openapi('RetentionSettingsUpdate');

export const presentRetention = (days: number | null) => ({
  days: effectiveRetentionDays(days),
  isDefault: days === null,
});
