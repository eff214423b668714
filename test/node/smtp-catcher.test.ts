// The dev SMTP catcher (scripts/smtp-catcher.mjs) keeps every message as an .eml file a developer can open (issue
// 19 item 4): a message sent over a real SMTP socket (port 31484) is saved byte for byte, after the envelope.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs helper without types
import { startSmtpCatcher } from '../../scripts/smtp-catcher.mjs';

const { simpleParser } = createRequire(import.meta.url)('mailparser');
const PORT = 31484;

type Caught = { from: string | null; to: string[]; raw: string; file?: string };

describe('SMTP catcher with a mail dir', () => {
  let mailDir: string;
  let catcher: { close(): Promise<void> };
  const caught: Caught[] = [];
  beforeAll(async () => {
    mailDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-catcher-')), 'mail');
    catcher = await startSmtpCatcher({ port: PORT, mailDir, onMessage: (m: Caught) => caught.push(m) });
  });
  afterAll(async () => {
    await catcher?.close();
    fs.rmSync(path.dirname(mailDir), { recursive: true, force: true });
  });

  it('saves each message as <timestamp>-<n>.eml: the envelope, then the message exactly as sent', async () => {
    const message = [
      'From: Acme <hi@acme.test>',
      'To: ada@example.test',
      'Subject: =?UTF-8?Q?Caf=C3=A9_receipt?=',
      'Message-ID: <m1@acme.test>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hi Ada,',
      '.a line that starts with a dot (dot-stuffed on the wire)',
      'Bye',
    ].join('\r\n');
    const before = Date.now();
    await sendOverSmtp(PORT, { from: 'hi@acme.test', to: ['ada@example.test', 'audit@acme.test'], message });

    const files = fs.readdirSync(mailDir);
    expect(files).toHaveLength(1);
    const [name] = files as [string];
    expect(name).toMatch(/^\d{8}T\d{9}Z-1\.eml$/);
    const stamp = name.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)(\d{3})Z.*$/, '$1-$2-$3T$4:$5:$6.$7Z');
    expect(Date.parse(stamp)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(Date.parse(stamp)).toBeLessThanOrEqual(Date.now());

    const saved = fs.readFileSync(path.join(mailDir, name), 'utf8');
    expect(saved).toBe(
      `Return-Path: <hi@acme.test>\r\nDelivered-To: ada@example.test\r\nDelivered-To: audit@acme.test\r\n${message}\r\n`,
    );
    // What a mail client makes of it
    const parsed = await simpleParser(fs.readFileSync(path.join(mailDir, name)));
    expect(parsed.subject).toBe('Café receipt');
    expect(parsed.text).toContain('.a line that starts with a dot');
    // The caller learns where it went (npm run dev prints this path)
    expect(caught.map((m) => m.file)).toEqual([path.join(mailDir, name)]);
  });

  it('numbers the next message -2 and keeps the first', async () => {
    await sendOverSmtp(PORT, { from: '', to: ['ben@example.test'], message: 'Subject: second\r\n\r\nbody' });
    const files = fs.readdirSync(mailDir).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toMatch(/-2\.eml$/);
    expect(fs.readFileSync(path.join(mailDir, files[1] as string), 'utf8')).toBe(
      'Return-Path: <>\r\nDelivered-To: ben@example.test\r\nSubject: second\r\n\r\nbody\r\n',
    );
  });
});

/** A minimal SMTP client on a raw socket: EHLO, MAIL, RCPT…, DATA (dot-stuffed), QUIT; each reply checked. */
async function sendOverSmtp(port: number, mail: { from: string; to: string[]; message: string }) {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: ((reply: string) => void)[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    // A reply ends with a line "NNN text" (continuation lines are "NNN-text").
    for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
      const end = m.index + m[0].length;
      const reply = buffer.slice(0, end);
      buffer = buffer.slice(end);
      waiters.shift()?.(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => waiters.push(resolve));
  const expectReply = async (reply: Promise<string>, code: string) => {
    const text = await reply;
    expect(text.split('\r\n').at(-2)?.slice(0, 3), text).toBe(code);
  };
  const send = (line: string, code: string) => {
    const reply = next();
    socket.write(`${line}\r\n`);
    return expectReply(reply, code);
  };
  await expectReply(next(), '220');
  await send('EHLO test.local', '250');
  await send(`MAIL FROM:<${mail.from}>`, '250');
  for (const rcpt of mail.to) await send(`RCPT TO:<${rcpt}>`, '250');
  await send('DATA', '354');
  const stuffed = mail.message.replace(/^\./gm, '..');
  await send(`${stuffed}\r\n.`, '250');
  await send('QUIT', '221');
  socket.end();
}
