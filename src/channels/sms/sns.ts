import { AwsClient } from 'aws4fetch';
import { z } from 'zod';
import { awsHost } from '../aws-host';
import { classifyBy } from '../error-table';
import { providerFetch } from '../http-call';
import type { Provider } from '../types';
import { smsSegments, smsText, smsTooLong } from './segments';
import { snsErrors } from './sns-errors';

const Credentials = z
  .object({
    accessKeyId: z.string().min(16).max(128),
    secretAccessKey: z.string().min(16).max(128),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
    senderId: z.string().max(11).optional(),
    smsType: z.enum(['Transactional', 'Promotional']).default('Transactional'),
  })
  .strict();

const xmlTag = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];

/** Amazon SNS Publish to a phone number (Query API, SigV4 via aws4fetch) → XML with MessageId. */
export const snsProvider: Provider<z.infer<typeof Credentials>> = {
  id: 'sns',
  channel: 'sms',
  credentials: Credentials,
  errors: snsErrors,
  accepts: (address) => /^\+[1-9]\d{1,14}$/.test(address),
  async send(message, creds, ctx) {
    const text = smsText(message.content);
    const tooLong = smsTooLong(text);
    if (tooLong) return { ok: false, error: tooLong };
    const form = new URLSearchParams({
      Action: 'Publish',
      Version: '2010-03-31',
      PhoneNumber: message.address,
      Message: text,
      'MessageAttributes.entry.1.Name': 'AWS.SNS.SMS.SMSType',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': creds.smsType,
    });
    if (creds.senderId) {
      form.set('MessageAttributes.entry.2.Name', 'AWS.SNS.SMS.SenderID');
      form.set('MessageAttributes.entry.2.Value.DataType', 'String');
      form.set('MessageAttributes.entry.2.Value.StringValue', creds.senderId);
    }
    const aws = new AwsClient({
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      region: creds.region,
      service: 'sns',
    });
    const signed = await aws.sign(`${ctx.baseUrl(`https://${awsHost('sns', creds.region)}`)}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: form.toString(),
    });
    const { segments } = smsSegments(text);
    return providerFetch(
      signed.url,
      { method: 'POST', headers: signed.headers, body: await signed.text() },
      ctx.timeoutMs,
      {
        ok: (res, xml) => ({
          ok: true,
          providerMessageId: xmlTag(xml, 'MessageId') ?? '',
          responseCode: res.status,
          units: segments,
        }),
        refine: (error, xml) => {
          const code = xmlTag(xml, 'Code') ?? '';
          const message = xmlTag(xml, 'Message') ?? error.message;
          return classifyBy(snsErrors, { ...error, code: code ? `sns_${code}` : error.code, message }, code);
        },
      },
    );
  },
};
