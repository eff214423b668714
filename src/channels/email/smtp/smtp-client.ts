import { connect } from 'cloudflare:sockets';

/**
 * A small SMTP client over `cloudflare:sockets` (RFC 5321): EHLO, optional STARTTLS / implicit TLS, AUTH PLAIN,
 * MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. Hand-written rather than worker-mailer because that library
 * builds its own MIME (we build it with mimetext) and does not expose SMTP reply codes, which decide whether a
 * failure is retryable (4xx) or permanent (5xx).
 */
export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). */
  secure?: boolean;
  /** Upgrade with STARTTLS when the server offers it (port 587). */
  startTls?: boolean;
  auth?: { username: string; password: string };
  /** Name we announce in EHLO. */
  clientName?: string;
  timeoutMs: number;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    /** The server's reply code, or undefined for network/timeout failures. */
    readonly replyCode: number | undefined,
    readonly phase: string,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  code: number;
  lines: string[];
}

class ReplyReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async read(phase: string): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const newline = this.buffer.indexOf('\r\n');
      if (newline === -1) {
        const { value, done } = await this.reader.read();
        if (done) throw new SmtpError(`connection closed during ${phase}`, undefined, phase);
        this.buffer += this.decoder.decode(value, { stream: true });
        continue;
      }
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      lines.push(line.slice(4));
      const code = Number(line.slice(0, 3));
      if (!Number.isInteger(code)) throw new SmtpError(`malformed reply "${line}"`, undefined, phase);
      if (line[3] !== '-') return { code, lines };
    }
  }
}

/** RFC 5321 §4.5.2: a line starting with "." gets another "."; lines end in CRLF; the data ends with CRLF.CRLF. */
export function dotStuff(raw: string): string {
  const crlf = raw.replace(/\r?\n/g, '\r\n');
  const stuffed = crlf.replace(/^\./gm, '..');
  return `${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`;
}

/** Sends one message; resolves with the server's final reply to DATA (often carries its queue id). */
export async function sendMail(
  options: SmtpOptions,
  envelope: { from: string; to: string[] },
  rawMessage: string,
): Promise<{ response: string }> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  let socket = connect(
    { hostname: options.host, port: options.port },
    { secureTransport: options.secure ? 'on' : options.startTls ? 'starttls' : 'off', allowHalfOpen: false },
  );
  const timeout = new Promise<never>((_, reject) => {
    deadline.addEventListener('abort', () => {
      reject(new SmtpError(`timed out after ${options.timeoutMs} ms`, undefined, 'timeout'));
      socket.close().catch(() => {});
    });
  });
  const run = async () => {
    let writer = socket.writable.getWriter();
    let replies = new ReplyReader(socket.readable.getReader());
    const encoder = new TextEncoder();
    const expect = async (phase: string, ok: (code: number) => boolean) => {
      const reply = await replies.read(phase);
      if (!ok(reply.code)) throw new SmtpError(`${phase}: ${reply.code} ${reply.lines.join(' ')}`, reply.code, phase);
      return reply;
    };
    const command = async (line: string, phase: string, ok: (code: number) => boolean) => {
      await writer.write(encoder.encode(`${line}\r\n`));
      return expect(phase, ok);
    };
    const is2xx = (c: number) => c >= 200 && c < 300;
    const name = options.clientName ?? 'notifykit.local';

    await expect('greeting', (c) => c === 220);
    let ehlo = await command(`EHLO ${name}`, 'EHLO', is2xx);
    if (options.startTls && !options.secure) {
      if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l))) {
        throw new SmtpError('server does not offer STARTTLS', 530, 'STARTTLS');
      }
      await command('STARTTLS', 'STARTTLS', (c) => c === 220);
      writer.releaseLock();
      socket = socket.startTls();
      writer = socket.writable.getWriter();
      replies = new ReplyReader(socket.readable.getReader());
      ehlo = await command(`EHLO ${name}`, 'EHLO', is2xx);
    }
    if (options.auth) {
      const token = btoa(`\u0000${options.auth.username}\u0000${options.auth.password}`);
      await command(`AUTH PLAIN ${token}`, 'AUTH', (c) => c === 235);
    }
    await command(`MAIL FROM:<${envelope.from}>`, 'MAIL FROM', is2xx);
    for (const to of envelope.to) await command(`RCPT TO:<${to}>`, 'RCPT TO', is2xx);
    await command('DATA', 'DATA', (c) => c === 354);
    await writer.write(encoder.encode(dotStuff(rawMessage)));
    const accepted = await expect('DATA end', is2xx);
    await command('QUIT', 'QUIT', () => true).catch(() => undefined);
    return { response: `${accepted.code} ${accepted.lines.join(' ')}` };
  };
  try {
    return await Promise.race([run(), timeout]);
  } catch (err) {
    if (err instanceof SmtpError) throw err;
    throw new SmtpError(err instanceof Error ? err.message : String(err), undefined, 'network');
  } finally {
    socket.close().catch(() => {});
  }
}
