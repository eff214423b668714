import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { asSubscriber, inboxToken } from '../helpers/inbox';
import { receivedMail, uniqueName } from '../helpers/stand-ins';
import { finished, publishWorkflow, stepOf, trigger, waitForRun } from '../helpers/workflows';

/** The three classic recipes, end to end through the real queues, Postgres and the SMTP stand-in. */
describe('workflow recipes', () => {
  it('in-app now, then email after a delay only if still unread: read → no email; unread → email', async () => {
    const t = await createLiveTenant();
    await publishWorkflow(t.key, {
      key: 'nudge',
      name: 'Nudge',
      steps: [
        { id: 'inbox', type: 'send', channel: 'in_app', content: { title: 'New comment', body: '{{ comment }}' } },
        { id: 'wait', type: 'delay', duration: '2s' },
        {
          id: 'email',
          type: 'send',
          channel: 'email',
          if: { '==': [{ var: 'steps.inbox.read' }, false] },
          content: { subject: 'Unread: {{ comment }}', text: 'You have an unread comment: {{ comment }}' },
        },
      ],
    });
    const reader = uniqueName('reader');
    const ignorer = uniqueName('ignorer');
    for (const id of [reader, ignorer]) {
      await api('PUT', `/v1/subscribers/${id}`, { key: t.key, body: { email: `${id}@example.test` } });
    }
    const started = await trigger(t.key, 'nudge', { to: [reader, ignorer], data: { comment: 'Ship it' } });
    expect(started.runs).toHaveLength(2);
    const runOf = (id: string) => started.runs.find((r) => r.subscriberId === id)!.id;

    // The reader reads the in-app message through the inbox API while the run waits.
    const token = await inboxToken(t.key, reader);
    await waitForRun(t.key, runOf(reader), (r) => r.status === 'waiting');
    const inbox = await api('GET', '/v1/inbox', { headers: asSubscriber(token) });
    expect(inbox.body.data).toHaveLength(1);
    const marked = await api('POST', '/v1/inbox/mark', {
      headers: asSubscriber(token),
      body: { ids: [inbox.body.data[0].id], state: 'read' },
    });
    expect(marked.status, JSON.stringify(marked.body)).toBeLessThan(300);

    const read = await waitForRun(t.key, runOf(reader), finished);
    const unread = await waitForRun(t.key, runOf(ignorer), finished);
    expect(read.status).toBe('completed');
    expect(unread.status).toBe('completed');
    expect(stepOf(read, 'email').status).toBe('skipped');
    expect(stepOf(unread, 'email').status).toBe('completed');
    expect(stepOf(unread, 'email').notificationId).toMatch(/^ntf_/);
    expect(read.steps.map((s: any) => s.stepId)).toEqual(['inbox', 'wait', 'email']);

    await expect.poll(async () => (await receivedMail(`${ignorer}@example.test`)).length, { timeout: 10_000 }).toBe(1);
    const [mail] = await receivedMail(`${ignorer}@example.test`);
    expect(mail!.subject).toBe('Unread: Ship it');
    expect(await receivedMail(`${reader}@example.test`)).toEqual([]);
  });
});
