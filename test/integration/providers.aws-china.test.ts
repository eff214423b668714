import { describe, expect, it } from 'vitest';
import { awsHost } from '../../src/channels/aws-host';
import { sesProvider } from '../../src/channels/email/ses/send';
import { snsProvider } from '../../src/channels/sms/sns';
import type { ProviderContext } from '../../src/channels/types';
import { outbound, standInContextFor } from '../helpers/error-tables';
import { awsKeyId, providerRequests } from '../helpers/providers';

/** A context that records which production URL the provider asked for, and sends to its stand-in instead. */
function recording(providerId: string) {
  const asked: string[] = [];
  const inner = standInContextFor(providerId);
  const ctx: ProviderContext = {
    ...inner,
    baseUrl: (url, key) => {
      asked.push(url);
      return inner.baseUrl(url, key);
    },
  };
  return { asked, ctx };
}

describe('AWS hosts by partition', () => {
  it('China regions use amazonaws.com.cn, every other region amazonaws.com', () => {
    expect(awsHost('email', 'cn-north-1')).toBe('email.cn-north-1.amazonaws.com.cn');
    expect(awsHost('sns', 'cn-northwest-1')).toBe('sns.cn-northwest-1.amazonaws.com.cn');
    expect(awsHost('email', 'eu-west-1')).toBe('email.eu-west-1.amazonaws.com');
    expect(awsHost('sns', 'us-gov-west-1')).toBe('sns.us-gov-west-1.amazonaws.com');
  });

  it('SES in cn-north-1 calls email.cn-north-1.amazonaws.com.cn, signed for that region', async () => {
    const accessKeyId = awsKeyId();
    const { asked, ctx } = recording('ses');
    const creds = { accessKeyId, secretAccessKey: 'x'.repeat(40), region: 'cn-north-1', from: 'hi@acme.cn' };
    const result = await sesProvider.send(outbound('email', 'kim@example.test'), creds, ctx);
    expect(result.ok).toBe(true);
    expect(asked).toEqual(['https://email.cn-north-1.amazonaws.com.cn']);
    const [req] = await providerRequests('ses', accessKeyId);
    expect(req!.headers.authorization).toContain('/cn-north-1/ses/aws4_request');
  });

  it('SNS in cn-northwest-1 calls sns.cn-northwest-1.amazonaws.com.cn, signed for that region', async () => {
    const accessKeyId = awsKeyId();
    const { asked, ctx } = recording('sns');
    const creds = {
      accessKeyId,
      secretAccessKey: 'x'.repeat(40),
      region: 'cn-northwest-1',
      smsType: 'Transactional' as const,
    };
    const result = await snsProvider.send(outbound('sms', '+8613800138000'), creds, ctx);
    expect(result.ok).toBe(true);
    expect(asked).toEqual(['https://sns.cn-northwest-1.amazonaws.com.cn']);
    const [req] = await providerRequests('sns', accessKeyId);
    expect(req!.headers.authorization).toContain('/cn-northwest-1/sns/aws4_request');
  });
});
