// A local SMTP server that accepts every message (no auth, no TLS) and hands it to `onMessage`.
// npm run dev uses it as the default email provider target and keeps each message as an .eml file (`mailDir`), so a
// developer can open the real email; tests use it to check what was really sent.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const { SMTPServer } = createRequire(import.meta.url)('smtp-server'); // createRequire: bypass Vite under vitest

/**
 * Starts the catcher. With `mailDir`, each message is saved there as `<UTC timestamp>-<n>.eml` before the client
 * hears 250, and `onMessage` gets its path as `file`.
 */
export function startSmtpCatcher({ port, host = '127.0.0.1', mailDir, onMessage = () => {} }) {
  let received = 0;
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
        const from = session.envelope.mailFrom?.address ?? null;
        const to = session.envelope.rcptTo.map((r) => r.address);
        const raw = Buffer.concat(chunks);
        received += 1;
        let file;
        try {
          if (mailDir) file = saveEml(mailDir, received, { from, to, raw });
        } catch (err) {
          return done(
            Object.assign(new Error(`4.3.0 Could not save the message: ${err.message}`), { responseCode: 451 }),
          );
        }
        onMessage({ from, to, raw: raw.toString('utf8'), file });
        done();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ port, close: () => new Promise((r) => server.close(r)) }));
  });
}

/**
 * Writes one message as an .eml file: the message exactly as received, after the envelope in the headers a
 * delivering server adds (Return-Path, and Delivered-To for each recipient, which shows Bcc recipients too).
 */
function saveEml(dir, n, { from, to, raw }) {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
  const file = path.join(dir, `${stamp}-${n}.eml`);
  const envelope = [`Return-Path: <${from ?? ''}>`, ...to.map((address) => `Delivered-To: ${address}`), ''].join(
    '\r\n',
  );
  fs.writeFileSync(file, Buffer.concat([Buffer.from(envelope), raw]), { flag: 'wx' });
  return file;
}
