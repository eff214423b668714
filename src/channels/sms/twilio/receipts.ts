import { z } from 'zod';
import { timingSafeEqualStrings } from '../../../lib/timing-safe';
import { encodeBase64 } from '../../receipts/base64';
import { compact, detailOf, precheck } from '../../receipts/receipt-fields';
import type { ReceiptEvent, ReceiptVerifier, VerifyOutcome } from '../../receipts/types';

/**
 * Twilio SMS status callbacks (form-encoded). `X-Twilio-Signature` is base64(HMAC-SHA1(authToken, url + each POST
 * parameter as name+value, names sorted)), https://www.twilio.com/docs/usage/security#validating-requests.
 * The URL must be exactly the one Twilio called (scheme, host, port, path, query), which is why the route passes
 * the request URL untouched.
 */

const SIGNATURE_HEADER = 'x-twilio-signature';
const encoder = new TextEncoder();

const StatusCallback = z.looseObject({
  MessageSid: z.string().min(1).max(64),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().max(16).optional(),
  ErrorMessage: z.string().max(1000).optional(),
});

/**
 * The signed data. Repeated names follow twilio-node (the reference validator): values de-duplicated and sorted,
 * each appended as name+value. Sorting is by UTF-16 code unit, as JavaScript's default sort does there.
 */
export function twilioSignedData(url: string, params: URLSearchParams): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let data = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) data += name + value;
  }
  return data;
}

/** base64(HMAC-SHA1(authToken, data)). */
export async function twilioSignature(authToken: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  return encodeBase64(await crypto.subtle.sign('HMAC', key, encoder.encode(data)));
}

function toEvent(params: z.infer<typeof StatusCallback>, now: Date): ReceiptEvent | null {
  // Status callbacks carry no event time (RawDlrDoneDate is carrier-formatted and often absent), so "now" it is.
  const base = {
    eventKey: `${params.MessageSid}:${params.MessageStatus}`,
    providerMessageId: params.MessageSid,
    at: now.toISOString(),
  };
  const error = params.ErrorCode ? `ErrorCode ${params.ErrorCode}` : undefined;
  switch (params.MessageStatus) {
    case 'delivered':
      return { ...base, type: 'delivered' };
    case 'undelivered':
    case 'failed':
      return { ...base, type: 'failed', detail: detailOf(params.MessageStatus, error, params.ErrorMessage) };
    default:
      return null; // queued, accepted, sending, sent, scheduled, canceled, read, … are not receipts
  }
}

export const twilioVerifier: ReceiptVerifier<'twilio'> = {
  provider: 'twilio',
  async verify(req, secrets, ctx): Promise<VerifyOutcome> {
    const tokens = secrets.flatMap((s) => (s.authToken ? [s.authToken] : []));
    const refused = precheck(req.body, tokens.length);
    if (refused) return refused;

    const signature = req.headers.get(SIGNATURE_HEADER);
    if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature' };
    const contentType = req.headers.get('content-type');
    if (contentType && !contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return { ok: false, reason: 'expected a form-encoded body' };
    }

    const params = new URLSearchParams(req.body);
    const data = twilioSignedData(req.url, params);
    let verified = false;
    for (const token of tokens) {
      if (await timingSafeEqualStrings(await twilioSignature(token, data), signature)) {
        verified = true;
        break;
      }
    }
    if (!verified) return { ok: false, reason: 'signature mismatch' };

    const parsed = StatusCallback.safeParse(Object.fromEntries(params));
    if (!parsed.success) return { ok: false, reason: 'malformed body' };
    const event = toEvent(parsed.data, ctx.now);
    return { ok: true, events: event ? [compact(event)] : [] };
  },
};
