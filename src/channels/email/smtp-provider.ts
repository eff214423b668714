import type { OutboundMessage, Provider, SendResult } from '../types';
import { buildEmail } from './mime';
import { SmtpError, type SmtpOptions, sendMail } from './smtp-client';

export interface SmtpProviderConfig extends SmtpOptions {
  from: string;
}

/** SMTP 421/45x/network: the server or path is busy → retry. 5xx: the server refused this message → permanent. */
function classify(err: SmtpError) {
  const code = err.replyCode;
  const retryable = code === undefined || (code >= 400 && code < 500);
  return {
    code: code === undefined ? `smtp_${err.phase === 'timeout' ? 'timeout' : 'network_error'}` : `smtp_${code}`,
    message: err.message,
    retryable,
    ...(code !== undefined ? { responseCode: code } : {}),
  };
}

export const smtpProvider: Provider<SmtpProviderConfig> = {
  id: 'smtp',
  channel: 'email',
  async send(message: OutboundMessage, config): Promise<SendResult> {
    const raw = buildEmail({
      from: config.from,
      to: message.address,
      content: message.content,
      deliveryId: message.deliveryId,
      notificationId: message.notificationId,
    });
    try {
      const { response } = await sendMail(config, { from: config.from, to: [message.address] }, raw);
      return { ok: true, providerMessageId: response.slice(0, 200), responseCode: Number(response.slice(0, 3)) };
    } catch (err) {
      if (err instanceof SmtpError) return { ok: false, error: classify(err) };
      throw err;
    }
  },
};
