import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import { deliverMessage } from '../../src/queues/messages';
import { api, createLiveTenant, testEnv } from '../helpers/api';
import { allDeliveries, receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

const hhmm = (date: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(date);

describe('quiet hours', () => {
  it('a non-critical delivery inside the window is deferred (visible, with the time), then sent after it ends; critical ones go at once', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/categories', { key: t.key, body: { key: 'security', name: 'Security', critical: true } });
    const tz = 'Asia/Kolkata';
    const now = new Date();
    const email = `${uniqueName('night')}@example.test`;
    await api('PUT', '/v1/subscribers/owl', { key: t.key, body: { email, timezone: tz } });
    const windowEnd = new Date(now.getTime() + 10 * 60_000);
    await api('PUT', '/v1/subscribers/owl/preferences', {
      key: t.key,
      body: { quietHours: { start: hhmm(new Date(now.getTime() - 10 * 60_000), tz), end: hhmm(windowEnd, tz) } },
    });

    const critical = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'owl', category: 'security', content: { subject: 'alert', text: 'x' } },
    });
    await waitForNotification(t.key, critical.body.id, allDeliveries('sent'));

    const digest = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'owl', category: 'digest', content: { subject: 'digest', text: 'x' } },
    });
    const waiting = await waitForNotification(t.key, digest.body.id, (n) => n.deliveries[0].deferredUntil !== null);
    const d = waiting.deliveries[0];
    expect(d.status).toBe('queued');
    expect(d.lastError.code).toBe('deferred_quiet_hours');
    const until = new Date(d.deferredUntil).getTime();
    expect(until).toBeGreaterThan(now.getTime() + 8 * 60_000);
    expect(until).toBeLessThanOrEqual(windowEnd.getTime() + 60_000);
    expect((await receivedMail(email)).map((m) => m.subject)).toEqual(['alert']);

    // The window ends (the clock moves past it) and the delayed message comes back.
    vi.useFakeTimers({ toFake: ['Date'], now: until + 1000 });
    try {
      const batch = createMessageBatch('notify-default', [
        { id: 'qh-1', timestamp: new Date(), attempts: 1, body: deliverMessage(t.tenantId, d.id) },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, testEnv, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['qh-1']);
    } finally {
      vi.useRealTimers();
    }
    const sent = await waitForNotification(t.key, digest.body.id, allDeliveries('sent'));
    expect(sent.deliveries[0].deferredUntil).toBeNull();
    expect((await receivedMail(email)).map((m) => m.subject).sort()).toEqual(['alert', 'digest']);
  });
});
