import { chatText, parseChatAddress } from './chat/chat-address';
import { emailParts } from './email/email-content';
import { inboxContent } from './in-app/inbox-content';
import { pushToken, stringData } from './push/push-payload';
import { smsSegments, smsText } from './sms/segments';
import type { OutboundMessage } from './types';
import { webhookBody } from './webhook/webhook-provider';

/**
 * What a test-mode delivery stores in the sandbox: the message as it would have left, per channel, so a developer
 * can see exactly what a recipient would get without any provider being called.
 */
export function renderForSandbox(message: OutboundMessage): Record<string, unknown> {
  switch (message.channel) {
    case 'email':
      return {
        to: message.address,
        ...emailParts(message.content),
        ...(message.headers ? { headers: message.headers } : {}),
      };
    case 'sms': {
      const text = smsText(message.content);
      return { to: message.address, text, ...smsSegments(text) };
    }
    case 'push':
      return {
        platform: message.address.split(':')[0],
        token: pushToken(message.address),
        title: message.content.title ?? message.content.subject ?? '',
        body: message.content.body ?? message.content.text ?? '',
        data: stringData(message),
      };
    case 'chat': {
      const target = parseChatAddress(message.address);
      return {
        service: target?.target,
        destination: target?.value,
        text: chatText(message.content),
        blocks: message.content.data?.blocks ?? null,
      };
    }
    case 'webhook':
      return { url: message.address, body: webhookBody(message) };
    case 'in_app':
      return { subscriberId: message.address, ...inboxContent(message) };
  }
}
