import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { addProvider } from '../helpers/providers';
import { receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';
import { TEST_STAND_INS } from '../test-db';

async function sendEmail(key: string, to: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: { to: { email: to }, content: { subject: 'Hi', text: 'Hello' } },
  });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

describe('email provider smtp: transport failures', () => {
  it('startTls against a server that does not offer STARTTLS: refused, never sent (or authenticated) in clear text', async () => {
    const t = await createLiveTenant('smtp-starttls', { smtp: false });
    // The SMTP stand-in has STARTTLS disabled, as a downgrading middlebox would make it look.
    await addProvider(t.key, {
      channel: 'email',
      provider: 'smtp',
      name: 'needs TLS',
      credentials: {
        host: '127.0.0.1',
        port: TEST_STAND_INS.smtpPort,
        startTls: true,
        username: 'notifykit',
        password: 'secret',
        from: 'Acme <hello@acme.test>',
      },
    });
    const to = `${uniqueName('tls')}@example.test`;
    const id = await sendEmail(t.key, to);
    const done = await waitForNotification(t.key, id, (n) => n.deliveries[0].status === 'failed');
    expect(done.deliveries[0].attempts.map((a: any) => [a.outcome, a.error?.code])).toEqual([
      ['permanent_error', 'smtp_530'],
    ]);
    expect(done.deliveries[0].lastError).toMatchObject({
      code: 'smtp_530',
      message: expect.stringContaining('server does not offer STARTTLS'),
    });
    expect(await receivedMail(to)).toEqual([]);
  });

  it('a server that never greets times out: a retryable smtp_timeout, not a hang', async () => {
    const t = await createLiveTenant('smtp-silent', { smtp: false });
    // The HTTP stand-in accepts the connection and waits for a request: an SMTP client hears nothing.
    await addProvider(t.key, {
      channel: 'email',
      provider: 'smtp',
      name: 'silent',
      credentials: { host: '127.0.0.1', port: TEST_STAND_INS.httpPort, from: 'Acme <hello@acme.test>' },
    });
    const id = await sendEmail(t.key, `${uniqueName('silent')}@example.test`);
    const started = Date.now();
    const n = await waitForNotification(t.key, id, (x) => x.deliveries[0].attempts.length >= 1);
    const [first] = n.deliveries[0].attempts;
    expect(first).toMatchObject({ outcome: 'retryable_error', error: { code: 'smtp_timeout' } });
    expect(first.error.message).toMatch(/timed out after 1500 ms/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
