import { AwsClient } from 'aws4fetch';
import { z } from 'zod';
import { awsHost } from '../../aws-host';
import { classifyBy } from '../../error-table';
import { parseJson, providerFetch } from '../../http-call';
import type { Provider } from '../../types';
import { emailParts } from '../email-content';
import { sesErrors } from './errors';

const Credentials = z
  .object({
    accessKeyId: z.string().min(16).max(128),
    secretAccessKey: z.string().min(16).max(128),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1'),
    from: z.string().min(3).max(320),
    /** SNS topics allowed to post this account's SES events to our receipt URL (recommended; any topic if unset). */
    snsTopicArns: z
      .array(
        z.string().regex(/^arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN'),
      )
      .max(10)
      .optional(),
  })
  .strict();

/** `MessageRejected:http://internal.amazon.com/…` or a body `__type` of `…#MessageRejected` → `MessageRejected`. */
function errorType(res: Response, body: Record<string, unknown> | null): string {
  const header = res.headers.get('x-amzn-errortype')?.split(':')[0];
  return (
    header ||
    String(body?.__type ?? '')
      .split('#')
      .pop() ||
    ''
  );
}

/** Amazon SES v2 SendEmail, SigV4-signed with aws4fetch. */
export const sesProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'ses',
  channel: 'email',
  credentials: Credentials,
  errors: sesErrors,
  accepts: () => true,
  async send(message, creds, ctx) {
    const { subject, text, html } = emailParts(message.content);
    const aws = new AwsClient({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      region: creds.region,
      service: 'ses',
    });
    const url = `${ctx.baseUrl(`https://${awsHost('email', creds.region)}`)}/v2/email/outbound-emails`;
    const signed = await aws.sign(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        FromEmailAddress: creds.from,
        Destination: { ToAddresses: [message.address] },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: text, Charset: 'UTF-8' },
              ...(html ? { Html: { Data: html, Charset: 'UTF-8' } } : {}),
            },
            // SES v2 `Message.Headers` ([{Name, Value}]): one-click unsubscribe needs both List-Unsubscribe headers.
            ...(message.headers
              ? { Headers: Object.entries(message.headers).map(([Name, Value]) => ({ Name, Value })) }
              : {}),
          },
        },
        EmailTags: [{ Name: 'delivery_id', Value: message.deliveryId }],
      }),
    });
    return providerFetch(
      signed.url,
      { method: 'POST', headers: signed.headers, body: await signed.text() },
      ctx.timeoutMs,
      {
        ok: (res, body) => ({
          ok: true,
          providerMessageId: String(parseJson(body)?.MessageId ?? ''),
          responseCode: res.status,
        }),
        refine: (error, text, res) => {
          const body = parseJson(text);
          const type = errorType(res, body);
          const message = String(body?.message ?? body?.Message ?? error.message);
          return classifyBy(sesErrors, { ...error, code: type ? `ses_${type}` : error.code, message }, type, message);
        },
      },
    );
  },
};
