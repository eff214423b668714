// A local SMTP server that accepts every message (no auth, no TLS) and hands it to `onMessage`.
// npm run dev uses it as the default email provider target; tests use it to check what was really sent.
import { createRequire } from 'node:module';

const { SMTPServer } = createRequire(import.meta.url)('smtp-server'); // createRequire: bypass Vite under vitest

export function startSmtpCatcher({ port, host = '127.0.0.1', onMessage = () => {} }) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        onMessage({
          from: session.envelope.mailFrom?.address ?? null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ port, close: () => new Promise((r) => server.close(r)) }));
  });
}
