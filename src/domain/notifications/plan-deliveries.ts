import type { Channel, DeliveryError, DeliveryStatus, Priority, SubscriberRow } from '../../db/schema';
import { CHANNELS } from '../../db/schema';
import { ApiError, type ErrorDetail } from '../../errors';
import { newId } from '../../lib/ids';
import type { InlineRecipientInput, SendNotificationRequest } from './send-request';
import { webhookUrlProblem } from './webhook-url-policy';

/** Rows to insert for one accepted notification. */
export interface PlannedNotification {
  notification: {
    id: string;
    tenantId: string;
    mode: 'test' | 'live';
    priority: Priority;
    category: string | null;
    content: NonNullable<SendNotificationRequest['content']>;
    data: Record<string, unknown> | null;
    metadata: Record<string, unknown> | null;
    sendAt: string | null;
  };
  deliveries: {
    id: string;
    tenantId: string;
    notificationId: string;
    channel: Channel;
    status: DeliveryStatus;
    priority: Priority;
    subscriberId: string | null;
    recipient: string;
    address: string;
    lastError: DeliveryError | null;
    nextAttemptAt: string | null;
  }[];
  /** Deliveries to enqueue now (not scheduled, not already failed). */
  dueNow: boolean;
}

interface ResolvedRecipient {
  subscriberId: string | null;
  label: string;
  addresses: Partial<Record<Channel, string>>;
}

function addressesOf(r: SubscriberRow | InlineRecipientInput): Partial<Record<Channel, string>> {
  const webhookUrl = 'externalId' in r ? r.channels?.webhookUrl : r.webhookUrl;
  return {
    ...(r.email ? { email: r.email } : {}),
    ...(webhookUrl ? { webhook: webhookUrl } : {}),
  };
}

export interface PlanContext {
  tenantId: string;
  mode: 'test' | 'live';
  environment: string;
  subscribers: Map<string, SubscriberRow>;
  now: Date;
}

/**
 * Turns a validated send request into a notification and one delivery per recipient × channel.
 * Unknown subscribers, content a channel cannot send, and unusable webhook URLs are 422s before anything is
 * written. A requested channel a recipient has no address for becomes a visible `failed` delivery
 * (`recipient_unreachable`) rather than vanishing; if nobody can be reached at all, the request is refused.
 */
export function planDeliveries(req: SendNotificationRequest, ctx: PlanContext): PlannedNotification | ApiError {
  const recipients = Array.isArray(req.to) ? req.to : [req.to];
  const details: ErrorDetail[] = [];
  const resolved: ResolvedRecipient[] = [];
  const seen = new Set<string>();
  recipients.forEach((r, i) => {
    const path = Array.isArray(req.to) ? `body.to.${i}` : 'body.to';
    if (typeof r === 'string') {
      if (seen.has(`sub:${r}`)) return;
      seen.add(`sub:${r}`);
      const sub = ctx.subscribers.get(r);
      if (!sub) details.push({ path, message: `unknown subscriber '${r}'`, code: 'unknown_subscriber' });
      else resolved.push({ subscriberId: sub.id, label: sub.externalId, addresses: addressesOf(sub) });
    } else {
      const label = r.email ?? r.webhookUrl ?? r.phone ?? 'inline';
      if (seen.has(`inline:${label}`)) return;
      seen.add(`inline:${label}`);
      resolved.push({ subscriberId: null, label, addresses: addressesOf(r) });
    }
  });

  const channels: Channel[] =
    req.channels ?? CHANNELS.filter((c) => resolved.some((r) => r.addresses[c] !== undefined));
  const content = req.content ?? {};
  if (channels.includes('email') && !content.subject) {
    details.push({ path: 'body.content.subject', message: 'required when sending email', code: 'missing_content' });
  }
  if (channels.includes('email') && !content.text && !content.html) {
    details.push({ path: 'body.content', message: 'email needs text or html', code: 'missing_content' });
  }
  for (const r of resolved) {
    const url = r.addresses.webhook;
    const problem = url && channels.includes('webhook') ? webhookUrlProblem(url, ctx.environment) : null;
    if (problem) details.push({ path: 'body.to', message: `webhook URL ${problem}`, code: 'invalid_webhook_url' });
  }
  if (details.length) return new ApiError('validation_failed', 'The notification cannot be sent as requested', details);

  const reachable = resolved.some((r) => channels.some((c) => r.addresses[c] !== undefined));
  if (!reachable) {
    return new ApiError('validation_failed', 'No recipient can be reached on the requested channels', [
      {
        path: 'body.to',
        message: `no address for any of: ${channels.join(', ') || 'any channel'}`,
        code: 'unreachable',
      },
    ]);
  }

  const notificationId = newId('ntf', ctx.now.getTime());
  const sendAt = req.sendAt ? new Date(req.sendAt) : null;
  const scheduled = sendAt !== null && sendAt.getTime() > ctx.now.getTime();
  const deliveries: PlannedNotification['deliveries'] = [];
  for (const r of resolved) {
    for (const channel of channels) {
      const address = r.addresses[channel];
      deliveries.push({
        id: newId('dlv', ctx.now.getTime()),
        tenantId: ctx.tenantId,
        notificationId,
        channel,
        status: address ? 'queued' : 'failed',
        priority: req.priority,
        subscriberId: r.subscriberId,
        recipient: r.label,
        address: address ?? '',
        lastError: address ? null : { code: 'recipient_unreachable', message: `recipient has no ${channel} address` },
        nextAttemptAt: address ? (sendAt ?? ctx.now).toISOString() : null,
      });
    }
  }
  return {
    notification: {
      id: notificationId,
      tenantId: ctx.tenantId,
      mode: ctx.mode,
      priority: req.priority,
      category: req.category ?? null,
      content,
      data: req.data ?? null,
      metadata: req.metadata ?? null,
      sendAt: sendAt?.toISOString() ?? null,
    },
    deliveries,
    dueNow: !scheduled,
  };
}
