import type { OutboundMessage } from '../types';

/** What an in_app delivery puts in the inbox: rendered title/body (text as a fallback body), link and data. */
export function inboxContent(message: Pick<OutboundMessage, 'content'>) {
  const { content } = message;
  return {
    title: content.title ?? content.subject ?? null,
    body: content.body ?? content.text ?? null,
    actionUrl: content.actionUrl ?? null,
    data: content.data ?? null,
  };
}
