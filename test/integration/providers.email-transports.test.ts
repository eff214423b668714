import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { addProvider } from '../helpers/providers';
import { receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';
import { TEST_STAND_INS } from '../test-db';

describe('email provider cloudflare_email (send_email binding)', () => {
  it('hands a mimetext-built message to the binding', async () => {
    const t = await createLiveTenant('cf-email', { smtp: false });
    await addProvider(t.key, {
      channel: 'email',
      provider: 'cloudflare_email',
      name: 'CF',
      credentials: { from: 'Acme <hello@acme.test>' },
    });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: `${uniqueName('cf')}@example.test` }, content: { subject: 'Hi', text: 'Hello' } },
    });
    const done = await waitForNotification(
      t.key,
      res.body.id,
      (n) => !['queued', 'sending'].includes(n.deliveries[0].status),
    );
    expect(done.deliveries[0].status).toBe('sent');
  });
});

describe('email provider smtp with AUTH', () => {
  it('authenticates with AUTH PLAIN; a wrong password is an account fault that fails over', async () => {
    const t = await createLiveTenant('smtp-auth', { smtp: false });
    const base = { host: '127.0.0.1', port: TEST_STAND_INS.smtpPort, from: 'Acme <hello@acme.test>' };
    await addProvider(t.key, {
      channel: 'email',
      provider: 'smtp',
      name: 'wrong password',
      credentials: { ...base, username: 'notifykit', password: 'nope' },
      priority: 1,
    });
    await addProvider(t.key, {
      channel: 'email',
      provider: 'smtp',
      name: 'right password',
      credentials: { ...base, username: 'notifykit', password: 'secret' },
      priority: 2,
    });
    const to = `${uniqueName('auth')}@example.test`;
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: to }, content: { subject: 'Hi', text: 'Hello' } },
    });
    const done = await waitForNotification(t.key, res.body.id, (n) => n.deliveries[0].status === 'sent');
    expect(done.deliveries[0].attempts.map((a: any) => [a.outcome, a.error?.code ?? null])).toEqual([
      ['permanent_error', 'smtp_535'],
      ['sent', null],
    ]);
    expect((await receivedMail(to)).map((m) => m.subject)).toEqual(['Hi']);
  });

  it("reports the email's Message-ID as the provider message id, not the server's reply text", async () => {
    const t = await createLiveTenant('smtp-msgid', { smtp: false });
    await addProvider(t.key, {
      channel: 'email',
      provider: 'smtp',
      name: 'local',
      credentials: { host: '127.0.0.1', port: TEST_STAND_INS.smtpPort, from: 'Acme <hello@acme.test>' },
    });
    const to = `${uniqueName('msgid')}@example.test`;
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: to }, content: { subject: 'Hi', text: 'Hello' } },
    });
    const done = await waitForNotification(t.key, res.body.id, (n) => n.deliveries[0].status === 'sent');
    const [mail] = await receivedMail(to);
    expect(mail?.messageId).toBe(`<${done.deliveries[0].id}@notifykit>`);
    expect(done.deliveries[0].providerMessageId).toBe(mail?.messageId);
  });
});
