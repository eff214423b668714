import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { asSubscriber, inboxToken } from '../helpers/inbox';
import { receivedMail, uniqueName } from '../helpers/stand-ins';
import { finished, publishWorkflow, stepOf, trigger, waitForRun } from '../helpers/workflows';

/** The three classic recipes, end to end through the real queues, Postgres and the SMTP stand-in. */
// The first test also pays for the worker's start-up (≈10 s on a busy 2-core machine).
describe('workflow recipes', { timeout: 60_000 }, () => {
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
    // The in-app delivery goes through its own queue: the message lands in the inbox shortly after the step.
    const inboxOf = () => api('GET', '/v1/inbox', { headers: asSubscriber(token) });
    await expect.poll(async () => (await inboxOf()).body.data.length, { timeout: 10_000 }).toBe(1);
    const inbox = await inboxOf();
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

  it('a comment digest keyed by data.threadId, two threads interleaved: one email per thread, comments in order', async () => {
    const t = await createLiveTenant();
    await publishWorkflow(t.key, {
      key: 'comments',
      name: 'Comment digest',
      steps: [
        { id: 'collect', type: 'digest', window: '3s', key: 'data.threadId' },
        {
          id: 'email',
          type: 'send',
          channel: 'email',
          content: {
            subject: '{{ digest.count }} new comments on {{ threadId }}',
            text: '{% for e in digest.events %}{{ e.actor.name }}: {{ e.data.comment }}\n{% endfor %}',
          },
        },
      ],
    });
    const reader = uniqueName('reader');
    await api('PUT', `/v1/subscribers/${reader}`, { key: t.key, body: { email: `${reader}@example.test` } });
    const comments = [
      ['a', 'Ann', 'first on a'],
      ['b', 'Bo', 'first on b'],
      ['a', 'Cy', 'second on a'],
      ['b', 'Di', 'second on b'],
      ['a', 'Ed', 'third on a'],
    ];
    const runs: string[] = [];
    for (const [thread, name, comment] of comments) {
      const res = await trigger(t.key, 'comments', {
        to: reader,
        data: { threadId: thread, comment },
        actor: { name },
      });
      runs.push(res.runs[0]!.id);
      // Joins are ordered by the window's row lock; spacing them keeps "in order" a statement about the API calls.
      await waitForRun(t.key, res.runs[0]!.id, (r) => r.status !== 'running');
    }
    const settled = await Promise.all(runs.map((id) => waitForRun(t.key, id, finished)));
    expect(settled.map((r) => r.status)).toEqual(['completed', 'completed', 'digested', 'digested', 'digested']);
    expect(stepOf(settled[0], 'collect').output.count).toBe(3);
    expect(stepOf(settled[1], 'collect').output.count).toBe(2);

    await expect.poll(async () => (await receivedMail(`${reader}@example.test`)).length, { timeout: 10_000 }).toBe(2);
    const mails = await receivedMail(`${reader}@example.test`);
    const bySubject = Object.fromEntries(mails.map((m) => [m.subject, m.text?.trim()]));
    expect(bySubject).toEqual({
      '3 new comments on a': 'Ann: first on a\nCy: second on a\nEd: third on a',
      '2 new comments on b': 'Bo: first on b\nDi: second on b',
    });
  });

  it('a trial reminder (delay until data.trialEndsAt) canceled by its key when the user upgrades: nothing sent', async () => {
    const t = await createLiveTenant();
    await publishWorkflow(t.key, {
      key: 'trial-reminder',
      name: 'Trial reminder',
      steps: [
        { id: 'wait', type: 'delay', until: 'data.trialEndsAt' },
        {
          id: 'remind',
          type: 'send',
          channel: 'email',
          content: { subject: 'Your trial ends today', text: 'Upgrade?' },
        },
      ],
    });
    const upgrader = uniqueName('upgrader');
    const stayer = uniqueName('stayer');
    for (const id of [upgrader, stayer]) {
      await api('PUT', `/v1/subscribers/${id}`, { key: t.key, body: { email: `${id}@example.test` } });
    }
    const trialEndsAt = new Date(Date.now() + 4000).toISOString();
    const started = await trigger(t.key, 'trial-reminder', {
      to: [upgrader, stayer],
      data: { trialEndsAt },
      cancellationKey: 'trial-acme',
    });
    const runOf = (id: string) => started.runs.find((r) => r.subscriberId === id)!.id;
    await waitForRun(t.key, runOf(upgrader), (r) => r.status === 'waiting');

    // The upgrader upgrades: only their run is canceled (the key is shared; `to` narrows it).
    const canceled = await api('POST', '/v1/workflow-runs/cancel', {
      key: t.key,
      body: { workflow: 'trial-reminder', cancellationKey: 'trial-acme', to: upgrader },
    });
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body).toEqual({ canceled: 1 });

    const stayed = await waitForRun(t.key, runOf(stayer), finished);
    expect(stayed.status).toBe('completed');
    expect(stepOf(stayed, 'wait').output.wakeAt).toBe(trialEndsAt);
    await expect.poll(async () => (await receivedMail(`${stayer}@example.test`)).length, { timeout: 10_000 }).toBe(1);

    const gone = await waitForRun(t.key, runOf(upgrader), finished);
    expect(gone.status).toBe('canceled');
    expect(gone.steps.map((s: any) => [s.stepId, s.status])).toEqual([['wait', 'canceled']]);
    expect(await receivedMail(`${upgrader}@example.test`)).toEqual([]);
    // A second cancel finds nothing left to cancel.
    const again = await api('POST', '/v1/workflow-runs/cancel', {
      key: t.key,
      body: { cancellationKey: 'trial-acme' },
    });
    expect(again.body).toEqual({ canceled: 0 });
  });
});
