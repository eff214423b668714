// A local SMTP server that accepts every message (no auth, no TLS) and hands it to `onMessage`.
// npm run dev uses it as the default email provider target; tests use it to check what was really sent.
import { createRequire } from 'node:module';

const { SMTPServer } = createRequire(import.meta.url)('smtp-server'); // createRequire: bypass Vite under vitest

export function startSmtpCatcher({ port, host = '127.0.0.1', onMessage = () => {} }) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // AUTH PLAIN/LOGIN is optional; when a client authenticates, only notifykit/secret is accepted (535 otherwise),
    // so tests can check that credentials are sent and that a bad password is a provider fault.
    onAuth(auth, _session, callback) {
      if (auth.username === 'notifykit' && auth.password === 'secret') return callback(null, { user: auth.username });
      callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    // Test hooks that behave like real mail servers: reject-…@ → 550 (no such user), busy-…@ → 451 (try later).
    onRcptTo(address, _session, callback) {
      const local = address.address.split('@')[0] ?? '';
      if (local.startsWith('reject'))
        return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      if (local.startsWith('busy'))
        return callback(Object.assign(new Error('4.3.2 Try again later'), { responseCode: 451 }));
      callback();
    },
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
