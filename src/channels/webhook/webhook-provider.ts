import { httpFailure, networkFailure } from '../http-outcome';
import type { OutboundMessage, Provider, SendResult } from '../types';

export interface WebhookProviderConfig {
  timeoutMs: number;
}

/**
 * The `webhook` channel: POSTs the notification as JSON to the recipient's URL. `Idempotency-Key` is the
 * delivery id, so a receiver can drop the rare duplicate that at-least-once delivery allows.
 */
export const webhookProvider: Provider<WebhookProviderConfig> = {
  id: 'webhook',
  channel: 'webhook',
  async send(message: OutboundMessage, config): Promise<SendResult> {
    const body = JSON.stringify({
      id: message.deliveryId,
      notificationId: message.notificationId,
      recipient: message.recipient,
      category: message.category,
      content: message.content,
      data: message.data,
      metadata: message.metadata,
    });
    let res: Response;
    try {
      res = await fetch(message.address, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'notifykit-webhook/1',
          'idempotency-key': message.deliveryId,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
    } catch (err) {
      return { ok: false, error: networkFailure(err) };
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, responseCode: res.status };
    return { ok: false, error: httpFailure(res.status, res.headers, text) };
  },
};
