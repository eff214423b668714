import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workflowRuns, workflowVersions } from '../../src/db/schema';
import { loadPublishedWorkflow } from '../../src/domain/workflows/manage-workflows';
import { newId } from '../../src/lib/ids';
import { api, createKey, createTenant, expectEnvelope, type TestTenant, testDb } from '../helpers/api';

const template = (t: TestTenant, key: string) =>
  api('POST', '/v1/templates', {
    key: t.key,
    body: { key, name: key, locales: { en: { email: { subject: 'Hi', text: 'Hi' }, in_app: { body: 'Hi' } } } },
  });

const steps = [
  { id: 'inbox', type: 'send', channel: 'in_app', template: 'comment' },
  { id: 'wait', type: 'delay', duration: '1h' },
  {
    id: 'check',
    type: 'branch',
    branches: [
      {
        if: { '==': [{ var: 'steps.inbox.read' }, false] },
        steps: [{ id: 'email', type: 'send', channel: 'email', template: 'comment' }],
      },
    ],
  },
];
const onboarding = {
  key: 'onboarding',
  name: 'Onboarding',
  description: 'In-app, then email if unread',
  category: 'comments',
  steps,
};

describe('workflow definitions API', () => {
  it('create → publish v1 → edit the draft (v1 unchanged) → publish v2 → versions → roll back to v1', async () => {
    const t = await createTenant();
    await template(t, 'comment');
    const created = await api('POST', '/v1/workflows', { key: t.key, body: onboarding });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...onboarding, publishedVersion: null });
    expect(created.body.id).toMatch(/^wfl_/);
    expectEnvelope(await api('POST', '/v1/workflows', { key: t.key, body: onboarding }), 409, 'conflict');

    await api('POST', '/v1/templates/comment/publish', { key: t.key });
    const v1 = await api('POST', '/v1/workflows/onboarding/publish', { key: t.key });
    expect([v1.status, v1.body.publishedVersion]).toEqual([200, 1]);

    const newSteps = [{ id: 'email', type: 'send', channel: 'email', content: { subject: 'Hi', text: 'Hello' } }];
    const edited = await api('PATCH', '/v1/workflows/onboarding', {
      key: t.key,
      body: { name: 'Onboarding v2', description: null, steps: newSteps },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'Onboarding v2',
      description: null,
      category: 'comments',
      steps: newSteps,
      publishedVersion: 1,
    });
    // The draft is what GET shows; version 1 is frozen as it was published.
    expect((await api('GET', '/v1/workflows/onboarding', { key: t.key })).body).toEqual(edited.body);
    const frozen = await api('GET', '/v1/workflows/onboarding/versions', { key: t.key });
    expect(frozen.body).toEqual({
      data: [
        {
          version: 1,
          published: true,
          name: 'Onboarding',
          description: onboarding.description,
          category: 'comments',
          steps,
          createdAt: expect.any(String),
        },
      ],
      next: null,
    });

    expect(
      (await api('POST', '/v1/workflows/onboarding/publish', { key: t.key, body: {} })).body.publishedVersion,
    ).toBe(2);
    const versions = await api('GET', '/v1/workflows/onboarding/versions', { key: t.key });
    expect(versions.body.data.map((v: any) => [v.version, v.published, v.name])).toEqual([
      [2, true, 'Onboarding v2'],
      [1, false, 'Onboarding'],
    ]);
    const first = await api('GET', '/v1/workflows/onboarding/versions?limit=1', { key: t.key });
    expect([first.body.data.map((v: any) => v.version), first.body.next]).toEqual([[2], '2']);
    const second = await api('GET', `/v1/workflows/onboarding/versions?limit=1&after=${first.body.next}`, {
      key: t.key,
    });
    expect([second.body.data.map((v: any) => v.version), second.body.next]).toEqual([[1], null]);

    const rolledBack = await api('POST', '/v1/workflows/onboarding/publish', { key: t.key, body: { version: 1 } });
    expect([rolledBack.status, rolledBack.body.publishedVersion, rolledBack.body.name]).toEqual([
      200,
      1,
      'Onboarding v2',
    ]);
    expectEnvelope(
      await api('POST', '/v1/workflows/onboarding/publish', { key: t.key, body: { version: 9 } }),
      404,
      'not_found',
    );

    // What a trigger will run: the published version, not the draft.
    const published = await loadPublishedWorkflow(testDb(), t.tenantId, 'onboarding');
    expect(published).toEqual({
      id: created.body.id,
      key: 'onboarding',
      version: 1,
      definition: { name: 'Onboarding', description: onboarding.description, category: 'comments', steps },
    });
    expect(await loadPublishedWorkflow(testDb(), t.tenantId, 'nothing')).toBeNull();

    const audit = await api('GET', '/v1/audit-log?targetType=workflow&limit=100', { key: t.key });
    expect(audit.body.data.map((e: any) => e.action).sort()).toEqual([
      'workflow.created',
      'workflow.published',
      'workflow.published',
      'workflow.published',
      'workflow.updated',
    ]);
  });

  it('lists newest first with a cursor; each item has its draft steps and published version', async () => {
    const t = await createTenant();
    const content = { subject: 'Hi', text: 'x' };
    for (const key of ['one', 'two', 'three']) {
      const body = { key, name: key, steps: [{ id: 's', type: 'send', channel: 'email', content }] };
      expect((await api('POST', '/v1/workflows', { key: t.key, body })).status).toBe(201);
    }
    await api('POST', '/v1/workflows/two/publish', { key: t.key });
    const page1 = await api('GET', '/v1/workflows?limit=2', { key: t.key });
    expect(page1.body.data.map((w: any) => [w.key, w.publishedVersion])).toEqual([
      ['three', null],
      ['two', 1],
    ]);
    expect(Object.keys(page1.body.data[0]).sort()).toEqual(
      [
        'category',
        'createdAt',
        'description',
        'id',
        'key',
        'name',
        'publishedVersion',
        'runs',
        'steps',
        'updatedAt',
      ].sort(),
    );
    expect(page1.body.data[0].steps).toEqual([{ id: 's', type: 'send', channel: 'email', content }]);
    const page2 = await api('GET', `/v1/workflows?limit=2&after=${page1.body.next}`, { key: t.key });
    expect([page2.body.data.map((w: any) => w.key), page2.body.next]).toEqual([['one'], null]);
    // An unpublished workflow is nothing a trigger can run.
    expect(await loadPublishedWorkflow(testDb(), t.tenantId, 'one')).toBeNull();
  });

  it("lists each workflow's runs by status: its own only, zeros where none", async () => {
    const t = await createTenant();
    const other = await createTenant();
    const ids: Record<string, string> = {};
    for (const key of ['busy', 'idle']) {
      const body = { key, name: key, steps: [{ id: 'w', type: 'delay', duration: '1h' }] };
      const created = await api('POST', '/v1/workflows', { key: t.key, body });
      expect(created.status).toBe(201);
      ids[key] = created.body.id;
    }
    const run = (tenantId: string, status: (typeof workflowRuns.$inferInsert)['status']) => ({
      id: newId('wfr'),
      tenantId,
      workflowId: ids.busy!,
      workflowKey: 'busy',
      version: 1,
      mode: 'test' as const,
      subscriberId: 'sub_x',
      recipient: 'kim',
      status,
      currentStep: null,
      data: {},
    });
    await testDb()
      .insert(workflowRuns)
      .values([
        ...(['waiting', 'waiting', 'completed', 'digested', 'failed'] as const).map((s) => run(t.tenantId, s)),
        run(other.tenantId, 'completed'), // another tenant's row never counts, whatever it names
      ]);
    const listed = await api('GET', '/v1/workflows', { key: t.key });
    const zero = { running: 0, waiting: 0, completed: 0, canceled: 0, digested: 0, throttled: 0, failed: 0 };
    expect(listed.body.data.map((w: any) => [w.key, w.runs])).toEqual([
      ['idle', zero],
      ['busy', { ...zero, waiting: 2, completed: 1, digested: 1, failed: 1 }],
    ]);
  });

  it('a read key reads, only admin writes', async () => {
    const t = await createTenant();
    const reader = await createKey(t, ['read']);
    const body = { key: 'wf', name: 'wf', steps: [{ id: 'w', type: 'delay', duration: '1m' }] };
    await api('POST', '/v1/workflows', { key: t.key, body });
    expect((await api('GET', '/v1/workflows/wf', { key: reader.key })).status).toBe(200);
    expect((await api('GET', '/v1/workflows/wf/versions', { key: reader.key })).status).toBe(200);
    for (const [method, path, b] of [
      ['POST', '/v1/workflows', { ...body, key: 'other' }],
      ['PATCH', '/v1/workflows/wf', { name: 'x' }],
      ['POST', '/v1/workflows/wf/publish', {}],
      ['DELETE', '/v1/workflows/wf', undefined],
    ] as const) {
      expectEnvelope(await api(method, path, { key: reader.key, body: b }), 403, 'insufficient_scope');
    }
  });

  it('delete → 404 after; its versions go, its unfinished runs end canceled, finished runs keep their history', async () => {
    const t = await createTenant();
    const body = { key: 'trial', name: 'Trial', steps: [{ id: 'w', type: 'delay', duration: '7d' }] };
    const created = await api('POST', '/v1/workflows', { key: t.key, body });
    await api('POST', '/v1/workflows/trial/publish', { key: t.key });
    const run = (status: 'waiting' | 'running' | 'completed') => ({
      id: newId('wfr'),
      tenantId: t.tenantId,
      workflowId: created.body.id,
      workflowKey: 'trial',
      version: 1,
      mode: 'test' as const,
      subscriberId: 'sub_x',
      recipient: 'kim',
      status,
      currentStep: status === 'completed' ? null : 'w',
      data: {},
      ...(status === 'completed' ? { finishedAt: new Date() } : {}),
    });
    const runs = [run('waiting'), run('running'), run('completed')];
    await testDb().insert(workflowRuns).values(runs);

    const deleted = await api('DELETE', '/v1/workflows/trial', { key: t.key });
    expect([deleted.status, deleted.body]).toEqual([204, '']);
    expectEnvelope(await api('GET', '/v1/workflows/trial', { key: t.key }), 404, 'not_found');
    expectEnvelope(await api('DELETE', '/v1/workflows/trial', { key: t.key }), 404, 'not_found');
    expect((await api('GET', '/v1/workflows', { key: t.key })).body.data).toEqual([]);

    const versions = await testDb()
      .select()
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowId, created.body.id));
    expect(versions).toEqual([]);
    const after = await testDb()
      .select()
      .from(workflowRuns)
      .where(and(eq(workflowRuns.tenantId, t.tenantId), eq(workflowRuns.workflowId, created.body.id)))
      .orderBy(sql`id`);
    expect(after.map((r) => [r.id, r.status, r.currentStep, r.error, r.finishedAt !== null])).toEqual([
      [runs[0]!.id, 'canceled', null, { code: 'workflow_deleted', message: 'the workflow was deleted' }, true],
      [runs[1]!.id, 'canceled', null, { code: 'workflow_deleted', message: 'the workflow was deleted' }, true],
      [runs[2]!.id, 'completed', null, null, true],
    ]);
    // The key is free again.
    expect((await api('POST', '/v1/workflows', { key: t.key, body })).status).toBe(201);
  });
});
