import { z } from 'zod';
import { compact, detailOf, isoTime, parseJsonBody, precheck } from '../../receipts/receipt-fields';
import type { ReceiptEvent, ReceiptVerifier, VerifyOutcome } from '../../receipts/types';
import { isTrustedAwsUrl, type SnsEnvelope, verifySnsEnvelope } from './sns-envelope';

/**
 * Amazon SES events delivered through an SNS HTTP(S) subscription. The AWS signature is the whole check; the
 * tenant's SES configurations carry no webhook secret, but one must exist (the route passes them as `secrets`).
 *
 * `Message` is either the event-publishing shape (`eventType`, configuration sets) or the older identity
 * notification shape (`notificationType`: Bounce, Complaint, Delivery only). Both carry `mail.messageId`, the id
 * SES returned at send time.
 */

const stamp = z.string().max(64).optional();
const text = z.string().max(10_000).optional();

const SesMessage = z.looseObject({
  eventType: z.string().max(64).optional(),
  notificationType: z.string().max(64).optional(),
  mail: z.looseObject({ messageId: z.string().max(256), timestamp: stamp }),
  bounce: z
    .looseObject({
      bounceType: text, // Permanent | Transient | Undetermined
      bounceSubType: text,
      timestamp: stamp,
      bouncedRecipients: z.array(z.looseObject({ diagnosticCode: text, status: text })).optional(),
    })
    .optional(),
  complaint: z
    .looseObject({ timestamp: stamp, complaintFeedbackType: text, complaintSubType: text.nullable() })
    .optional(),
  delivery: z.looseObject({ timestamp: stamp, smtpResponse: text }).optional(),
  open: z.looseObject({ timestamp: stamp }).optional(),
  click: z.looseObject({ timestamp: stamp, link: z.string().max(8192).optional() }).optional(),
  reject: z.looseObject({ reason: text }).optional(),
  failure: z.looseObject({ errorMessage: text, templateName: text }).optional(),
});
type SesMessage = z.infer<typeof SesMessage>;

/** Maps one SES event to a receipt; null for kinds we do not track (Send, DeliveryDelay, Subscription, …). */
function toEvent(msg: SesMessage, env: SnsEnvelope, now: Date): ReceiptEvent | null {
  const base = { eventKey: env.MessageId, providerMessageId: msg.mail.messageId };
  // When SES omits a per-kind timestamp, the moment SNS published is the closest honest time.
  const published = new Date(isoTime(env.Timestamp, now));
  switch (msg.eventType ?? msg.notificationType) {
    case 'Delivery':
      return {
        ...base,
        type: 'delivered',
        at: isoTime(msg.delivery?.timestamp, published),
        detail: detailOf(msg.delivery?.smtpResponse),
      };
    case 'Bounce': {
      const b = msg.bounce;
      const recipient = b?.bouncedRecipients?.[0];
      return {
        ...base,
        type: 'bounced',
        at: isoTime(b?.timestamp, published),
        // Undetermined bounces are not proof the address is dead, so only Permanent suppresses.
        permanent: b?.bounceType === 'Permanent',
        detail: detailOf([b?.bounceType, b?.bounceSubType].filter(Boolean).join('/'), recipient?.diagnosticCode),
      };
    }
    case 'Complaint':
      return {
        ...base,
        type: 'complained',
        at: isoTime(msg.complaint?.timestamp, published),
        detail: detailOf(msg.complaint?.complaintFeedbackType ?? msg.complaint?.complaintSubType),
      };
    case 'Open':
      return { ...base, type: 'opened', at: isoTime(msg.open?.timestamp, published) };
    case 'Click': {
      const link = msg.click?.link;
      return {
        ...base,
        type: 'clicked',
        at: isoTime(msg.click?.timestamp, published),
        ...(link ? { url: link, detail: detailOf(link) } : {}),
      };
    }
    case 'Reject':
      return { ...base, type: 'failed', at: published.toISOString(), detail: detailOf('Reject', msg.reject?.reason) };
    case 'Rendering Failure':
      return {
        ...base,
        type: 'failed',
        at: published.toISOString(),
        detail: detailOf('Rendering Failure', msg.failure?.errorMessage),
      };
    default:
      return null;
  }
}

export const sesVerifier: ReceiptVerifier<'ses'> = {
  provider: 'ses',
  async verify(req, secrets, ctx): Promise<VerifyOutcome> {
    const refused = precheck(req.body, secrets.length);
    if (refused) return refused;

    const checked = await verifySnsEnvelope(req.body, ctx);
    if (!checked.ok) return checked;
    const env = checked.envelope;
    // A valid AWS signature only proves the message came from some SNS topic; pinned topics prove it is the tenant's.
    const pinned = secrets.flatMap((s) => s.snsTopicArns ?? []);
    if (pinned.length && !pinned.includes(env.TopicArn)) return { ok: false, reason: 'TopicArn not allowed' };

    if (env.Type === 'SubscriptionConfirmation') {
      // The route GETs this URL, so it must be AWS's own, whatever the (valid) signature says.
      if (!isTrustedAwsUrl(env.SubscribeURL, ctx)) return { ok: false, reason: 'untrusted SubscribeURL' };
      return { ok: true, events: [], confirmUrl: env.SubscribeURL };
    }
    // Someone unsubscribed our endpoint; re-subscribing is an operator decision, not ours.
    if (env.Type === 'UnsubscribeConfirmation') return { ok: true, events: [] };

    const msg = SesMessage.safeParse(parseJsonBody(env.Message));
    if (!msg.success) return { ok: false, reason: 'message is not an SES event' };
    const event = toEvent(msg.data, env, ctx.now);
    return { ok: true, events: event?.providerMessageId ? [compact(event)] : [] };
  },
};
