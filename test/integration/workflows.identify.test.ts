// Identifying subscribers inline on a workflow trigger, as Knock and Novu allow: `to` items may be profiles
// (`{ id, email, … }`) that are created or merged like PUT /v1/subscribers/{id} before the runs start.
import { describe, expect, it } from 'vitest';
import { api, createKey, createTenant, expectEnvelope } from '../helpers/api';
import { finished, publishWorkflow, stepOf, trigger, waitForRun } from '../helpers/workflows';

const welcome = {
  key: 'welcome',
  name: 'Welcome',
  steps: [{ id: 'mail', type: 'send', channel: 'email', content: { subject: 'Hi {{ subscriber.name }}', text: 'x' } }],
};

async function sentTo(key: string, runId: string) {
  const run = await waitForRun(key, runId, finished);
  expect(run.status, JSON.stringify(run)).toBe('completed');
  const n = await api('GET', `/v1/notifications/${stepOf(run, 'mail').notificationId}`, { key });
  return { subject: n.body.content.subject, address: n.body.deliveries[0].address };
}

describe('a trigger identifies subscribers inline', { timeout: 120_000 }, () => {
  it('creates a new subscriber and merges into a known one, then runs for both with their profiles', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, welcome);
    await api('PUT', '/v1/subscribers/old', {
      key: t.key,
      body: { email: 'old@acme.test', name: 'Old Name', locale: 'fr-FR' },
    });
    const res = await trigger(t.key, 'welcome', {
      to: [{ id: 'new', email: 'new@acme.test', name: 'Nia' }, { id: 'old', name: 'Olu' }, 'old'],
    });
    expect(res.runs.map((r) => r.subscriberId)).toEqual(['new', 'old']);

    const created = await api('GET', '/v1/subscribers/new', { key: t.key });
    expect([created.status, created.body.email, created.body.name]).toEqual([200, 'new@acme.test', 'Nia']);
    // Merged as a PUT merges: the name given overwrites, the fields not given are kept.
    const merged = await api('GET', '/v1/subscribers/old', { key: t.key });
    expect([merged.body.email, merged.body.name, merged.body.locale]).toEqual(['old@acme.test', 'Olu', 'fr-FR']);

    // Another tenant identifying its own 'old' creates its own subscriber and leaves this tenant's as it was.
    const other = await createTenant();
    await publishWorkflow(other.key, welcome);
    await trigger(other.key, 'welcome', { to: { id: 'old', email: 'elsewhere@other.test', name: 'Other' } });
    expect((await api('GET', '/v1/subscribers/old', { key: other.key })).body.email).toBe('elsewhere@other.test');
    const untouched = await api('GET', '/v1/subscribers/old', { key: t.key });
    expect([untouched.body.email, untouched.body.name]).toEqual(['old@acme.test', 'Olu']);

    expect(await sentTo(t.key, res.runs[0]!.id)).toEqual({ subject: 'Hi Nia', address: 'new@acme.test' });
    expect(await sentTo(t.key, res.runs[1]!.id)).toEqual({ subject: 'Hi Olu', address: 'old@acme.test' });
  });

  it('refuses before writing anything: unknown ids beside profiles, bad fields, a profile given twice, no scope', async () => {
    const t = await createTenant();
    await publishWorkflow(t.key, welcome);
    const refused = async (body: Record<string, unknown>, status: number, code: string, key = t.key) =>
      expectEnvelope(await api('POST', '/v1/workflows/welcome/trigger', { key, body }), status, code);

    const unknown = await refused({ to: [{ id: 'ada', email: 'ada@acme.test' }, 'ghost'] }, 422, 'validation_failed');
    expect(unknown.details).toEqual([expect.objectContaining({ path: 'body.to', code: 'unknown_subscriber' })]);
    expect(unknown.details![0]!.message).toContain("'ghost'");

    const badEmail = await refused({ to: [{ id: 'ada', email: 'not-an-email' }] }, 422, 'validation_failed');
    expect(badEmail.details!.map((d) => d.path)).toContain('body.to.0.email');

    // A value Postgres cannot store (NUL in jsonb) is a 4xx, never a 500.
    await refused({ to: [{ id: 'ada', data: { note: 'a\u0000b' } }] }, 422, 'validation_failed');

    const twice = await refused(
      { to: [{ id: 'ada', name: 'A' }, 'bo', { id: 'ada', name: 'B' }] },
      422,
      'validation_failed',
    );
    expect(twice.details).toEqual([expect.objectContaining({ path: 'body.to.2.id' })]);

    const writer = await createKey(t, ['notifications:write']);
    const scope = await refused({ to: { id: 'ada', email: 'ada@acme.test' } }, 403, 'insufficient_scope', writer.key);
    expect(scope.message).toContain('subscribers:write');
    // …while that key may still trigger for known ids.
    await api('PUT', '/v1/subscribers/bo', { key: t.key, body: { email: 'bo@acme.test' } });
    expect((await trigger(writer.key, 'welcome', { to: 'bo' })).runs).toHaveLength(1);

    // Nothing above created 'ada'.
    expect((await api('GET', '/v1/subscribers/ada', { key: t.key })).status).toBe(404);
  });
});
