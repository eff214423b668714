import { SMS_MAX_CHARS, smsTooLong } from '../../channels/sms/segments';
import type { PlannedNotification } from '../../db/queries/notifications';
import type { Channel, SubscriberRow, TemplateContent } from '../../db/schema';
import { CHANNELS } from '../../db/schema';
import { ApiError, type ErrorDetail } from '../../errors';
import { newId } from '../../lib/ids';
import { ENQUEUE_AHEAD_SECONDS } from '../../lib/queue-limits';
import { type UrlPolicy, urlProblem } from '../../lib/ssrf-guard';
import { missingVariables, templateChannels } from '../templates/render-template';
import { type InlineRecipientInput, isTopicSend, type SendNotificationRequest } from './send-request';

interface ResolvedRecipient {
  subscriberId: string | null;
  label: string;
  locale: string | null;
  addresses: Partial<Record<Channel, string[]>>;
}

/** A template a send names, resolved to the version it will render (published, or pinned). */
export type ResolvedTemplate = { id: string; version: number; content: TemplateContent } | { error: string };
export const templateRef = (key: string, version: number | undefined) => `${key}@${version ?? 'published'}`;

/** Every address a recipient has, per channel. Push and chat can have several (devices, workspaces). */
function addressesOf(r: SubscriberRow | InlineRecipientInput): Partial<Record<Channel, string[]>> {
  const stored = 'externalId' in r;
  const webhookUrl = stored ? r.channels?.webhookUrl : r.webhookUrl;
  const pushTokens = (stored ? r.channels?.pushTokens : r.pushTokens) ?? [];
  const slack = stored ? r.channels?.slack : r.slack;
  const discord = stored ? r.channels?.discord : r.discord;
  const teams = stored ? r.channels?.teams : r.teams;
  const chat = [
    ...(slack?.webhookUrl ? [`slack:${slack.webhookUrl}`] : []),
    ...(slack?.channelId && !slack.webhookUrl ? [`slack-channel:${slack.channelId}`] : []),
    ...(discord?.webhookUrl ? [`discord:${discord.webhookUrl}`] : []),
    ...(teams?.webhookUrl ? [`teams:${teams.webhookUrl}`] : []),
  ];
  const out: Partial<Record<Channel, string[]>> = {};
  if (r.email) out.email = [r.email];
  if (r.phone) out.sms = [r.phone];
  if (pushTokens.length) out.push = pushTokens.map((t) => `${t.provider}:${t.token}`);
  if (chat.length) out.chat = chat;
  if (webhookUrl) out.webhook = [webhookUrl];
  // The inbox is addressed by the subscriber itself; an inline recipient has none.
  if (stored) out.in_app = [r.id];
  return out;
}

/** The text SMS sends (text, else body) when it is longer than providers take: refused before any send. */
export function smsLengthProblem(content: NonNullable<SendNotificationRequest['content']>): ErrorDetail | null {
  const field = content.text !== undefined ? 'text' : 'body';
  if (!smsTooLong(content[field] ?? '')) return null;
  return {
    path: `body.content.${field}`,
    message: `sms text must be at most ${SMS_MAX_CHARS} characters (Twilio and SNS refuse longer)`,
    code: 'sms_too_long',
  };
}

/** What each channel needs from `content`, checked before anything is written. */
function contentProblems(channels: Channel[], content: NonNullable<SendNotificationRequest['content']>): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const need = (path: string, message: string) => problems.push({ path, message, code: 'missing_content' });
  if (channels.includes('email')) {
    if (!content.subject) need('body.content.subject', 'required when sending email');
    if (!content.text && !content.html) need('body.content', 'email needs text or html');
  }
  if (channels.includes('sms') && !content.text && !content.body) need('body.content', 'sms needs text or body');
  const smsLength = channels.includes('sms') ? smsLengthProblem(content) : null;
  if (smsLength) problems.push(smsLength);
  if (channels.includes('push') && !content.title && !content.body) need('body.content', 'push needs title or body');
  if (channels.includes('chat') && !content.text && !content.body && !content.title) {
    need('body.content', 'chat needs text, body or title');
  }
  if (channels.includes('in_app') && !content.text && !content.body && !content.title) {
    need('body.content', 'in_app needs title, body or text');
  }
  return problems;
}

export interface PlanContext {
  tenantId: string;
  mode: 'test' | 'live';
  urlPolicy: UrlPolicy;
  subscribers: Map<string, SubscriberRow>;
  templates: Map<string, ResolvedTemplate>;
  now: Date;
}

/**
 * Turns a validated send request into a notification and one delivery per recipient × channel.
 * Unknown subscribers, content a channel cannot send, and unusable webhook URLs are 422s before anything is
 * written. A requested channel a recipient has no address for becomes a visible `failed` delivery
 * (`recipient_unreachable`) rather than vanishing; if nobody can be reached at all, the request is refused.
 */
export function planDeliveries(req: SendNotificationRequest, ctx: PlanContext): PlannedNotification | ApiError {
  if (isTopicSend(req)) {
    return new ApiError('validation_failed', 'A topic send is a broadcast: one per POST /v1/notifications', [
      { path: 'body.to.topic', message: 'not allowed here', code: 'topic_not_allowed' },
    ]);
  }
  const to = req.to as Exclude<SendNotificationRequest['to'], { topic: string }>;
  const recipients = Array.isArray(to) ? to : [to];
  const details: ErrorDetail[] = [];
  const resolved: ResolvedRecipient[] = [];
  const seen = new Set<string>();
  recipients.forEach((r, i) => {
    const path = Array.isArray(to) ? `body.to.${i}` : 'body.to';
    if (typeof r === 'string') {
      if (seen.has(`sub:${r}`)) return;
      seen.add(`sub:${r}`);
      const sub = ctx.subscribers.get(r);
      if (!sub) details.push({ path, message: `unknown subscriber '${r}'`, code: 'unknown_subscriber' });
      else
        resolved.push({ subscriberId: sub.id, label: sub.externalId, locale: sub.locale, addresses: addressesOf(sub) });
    } else {
      const label = r.email ?? r.webhookUrl ?? r.phone ?? 'inline';
      if (seen.has(`inline:${label}`)) return;
      seen.add(`inline:${label}`);
      resolved.push({ subscriberId: null, label, locale: r.locale ?? null, addresses: addressesOf(r) });
    }
  });

  let template: { id: string; version: number; content: TemplateContent } | null = null;
  if (req.template !== undefined) {
    const found = ctx.templates.get(templateRef(req.template, req.templateVersion));
    if (!found || 'error' in found) {
      details.push({
        path: 'body.template',
        message: found?.error ?? `unknown template '${req.template}'`,
        code: 'template_unavailable',
      });
    } else template = found;
  }
  const renderable = template ? templateChannels(template.content) : null;
  // By default every channel the recipients can receive — except the inbox, which takes a template with an
  // in_app part or an explicit `channels` (every stored subscriber has one, and not every send belongs there).
  const channels: Channel[] =
    req.channels ??
    CHANNELS.filter(
      (c) => (renderable ? renderable.has(c) : c !== 'in_app') && resolved.some((r) => r.addresses[c] !== undefined),
    );
  const content = req.content ?? {};
  const fallbackChannels = (req.fallback ?? []).filter((c) => !channels.includes(c));
  if (template) {
    for (const c of [...channels, ...fallbackChannels]) {
      if (!renderable!.has(c))
        details.push({ path: 'body.channels', message: `template has no ${c} part`, code: 'missing_content' });
    }
    const missing = missingVariables(template.content.variables, req.data ?? {});
    if (missing.length) {
      details.push(
        ...missing.map((v) => ({
          path: `body.data.${v}`,
          message: 'required by the template',
          code: 'missing_variable',
        })),
      );
    }
  } else if (req.template === undefined) {
    details.push(...contentProblems([...channels, ...fallbackChannels], content));
  }
  for (const r of resolved) {
    const urls = [
      ...(channels.includes('webhook') || fallbackChannels.includes('webhook') ? (r.addresses.webhook ?? []) : []),
      ...(r.addresses.chat ?? []).map((a) => a.slice(a.indexOf(':') + 1)).filter((a) => a.includes('://')),
    ];
    for (const url of urls) {
      const problem = urlProblem(url, ctx.urlPolicy);
      if (problem) details.push({ path: 'body.to', message: `URL ${problem}`, code: 'invalid_webhook_url' });
    }
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
    // Fallback targets: the first address of each fallback channel this recipient has, in order.
    const fallback = fallbackChannels.flatMap((c) => {
      const first = r.addresses[c]?.[0];
      return first ? [{ channel: c, address: first }] : [];
    });
    for (const channel of channels) {
      const addresses = r.addresses[channel] ?? [];
      const common = {
        tenantId: ctx.tenantId,
        notificationId,
        channel,
        priority: req.priority,
        subscriberId: r.subscriberId,
        recipient: r.label,
        locale: r.locale,
      };
      if (addresses.length === 0) {
        deliveries.push({
          ...common,
          id: newId('dlv', ctx.now.getTime()),
          status: 'failed',
          address: '',
          lastError: { code: 'recipient_unreachable', message: `recipient has no ${channel} address` },
          nextAttemptAt: null,
          fallback: null,
        });
      }
      for (const address of addresses) {
        deliveries.push({
          ...common,
          id: newId('dlv', ctx.now.getTime()),
          status: 'queued',
          address,
          lastError: null,
          nextAttemptAt: (sendAt ?? ctx.now).toISOString(),
          fallback: fallback.length ? fallback : null,
        });
      }
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
      fallback: req.fallback ?? null,
      templateId: template?.id ?? null,
      templateKey: template ? req.template! : null,
      templateVersion: template?.version ?? null,
    },
    deliveries,
    // Due within the minute: enqueued at once with a delay, so it fires at its second instead of waiting for the cron.
    dueNow: !scheduled || sendAt!.getTime() - ctx.now.getTime() <= ENQUEUE_AHEAD_SECONDS * 1000,
  };
}
