import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope, type TestTenant } from '../helpers/api';

/**
 * Every bad definition is a 422 whose detail names the step (by id, in the message) and the field (in the path),
 * at any depth; references to templates are checked when saved and when published.
 */

const content = { subject: 'Hi', text: 'x' };
const send = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'send',
  channel: 'email',
  content,
  ...extra,
});
const branch = (id: string, steps: unknown[]) => ({ id, type: 'branch', branches: [{ if: true, steps }] });
/** A branch `levels` deep, each level one branch inside the previous one, the innermost holding a send. */
const nest = (levels: number): unknown => (levels === 0 ? send('leaf') : branch(`b${levels}`, [nest(levels - 1)]));

function expectStepError(res: Awaited<ReturnType<typeof api>>, step: string, path: string, message?: RegExp) {
  const error = expectEnvelope(res, 422, 'validation_failed');
  const detail = error.details?.find((d) => d.path === path);
  expect(detail, `no detail at ${path}: ${JSON.stringify(error.details)}`).toBeDefined();
  expect(detail!.message).toContain(`step '${step}'`);
  if (message) expect(detail!.message).toMatch(message);
  return error;
}

const create = (t: TestTenant, steps: unknown[], key = 'wf') =>
  api('POST', '/v1/workflows', { key: t.key, body: { key, name: 'Workflow', steps } });

describe('a bad definition is a 422 naming the step and the field', () => {
  it('each step rule, at the top level and nested in a branch', async () => {
    const t = await createTenant();
    const cases: [string, unknown[], string, string, RegExp?][] = [
      ['bad duration', [{ id: 'wait', type: 'delay', duration: '90x' }], 'wait', 'body.steps.0.duration', /unit/],
      [
        'duration over 365 days',
        [send('first'), { id: 'wait', type: 'delay', duration: '366d' }],
        'wait',
        'body.steps.1.duration',
        /365 days/,
      ],
      [
        'delay with duration and until',
        [{ id: 'wait', type: 'delay', duration: '1h', until: 'data.trialEndsAt' }],
        'wait',
        'body.steps.0.duration',
        /exactly one of duration and until/,
      ],
      ['unknown step type', [{ id: 'jump', type: 'teleport' }], 'jump', 'body.steps.0.type', /send/],
      ['duplicate ids', [send('a'), send('a')], 'a', 'body.steps.1.id', /used twice/],
      [
        'duplicate ids across a branch',
        [send('a'), branch('check', [send('b'), send('a')])],
        'a',
        'body.steps.1.branches.0.steps.1.id',
        /used twice/,
      ],
      [
        'more than 20 steps, top level',
        Array.from({ length: 21 }, (_, i) => send(`s${i}`)),
        's20',
        'body.steps.20',
        /20 steps/,
      ],
      [
        'more than 20 steps, nested counted',
        [
          ...Array.from({ length: 15 }, (_, i) => send(`s${i}`)),
          branch('more', [send('n0'), send('n1'), send('n2'), send('n3'), send('n4')]),
        ],
        'n4',
        'body.steps.15.branches.0.steps.4',
        /20 steps in all, nested ones included/,
      ],
      [
        'nesting deeper than 3',
        [nest(4)],
        'b1',
        'body.steps.0.branches.0.steps.0.branches.0.steps.0.branches.0.steps.0.branches',
        /at most 3 deep/,
      ],
      ['invalid JSONLogic rule', [send('a', { if: { nope: [1] } })], 'a', 'body.steps.0.if', /JSONLogic.*nope/],
      [
        'invalid JSONLogic rule in a nested step',
        [branch('check', [send('inner', { if: { nope: [1] } })])],
        'inner',
        'body.steps.0.branches.0.steps.0.if',
        /JSONLogic/,
      ],
      [
        'digest cron minute 61',
        [{ id: 'daily', type: 'digest', window: { cron: '61 * * * *' } }],
        'daily',
        'body.steps.0.window.cron',
        /minute/,
      ],
      [
        'digest time zone Mars/Base',
        [{ id: 'daily', type: 'digest', window: { cron: '0 9 * * *', timezone: 'Mars/Base' } }],
        'daily',
        'body.steps.0.window.timezone',
        /IANA/,
      ],
      [
        'send with neither template nor content',
        [{ id: 'mail', type: 'send', channel: 'email' }],
        'mail',
        'body.steps.0.template',
        /exactly one of template and content/,
      ],
      [
        'bad duration in a nested step',
        [branch('check', [{ id: 'pause', type: 'delay', duration: '90x' }])],
        'pause',
        'body.steps.0.branches.0.steps.0.duration',
      ],
    ];
    for (const [name, steps, step, path, message] of cases) {
      const res = await create(t, steps);
      expect(res.status, name).toBe(422);
      expectStepError(res, step, path, message);
    }
    // None of them was stored.
    expect((await api('GET', '/v1/workflows', { key: t.key })).body.data).toEqual([]);
    // Three levels of branches are fine.
    expect((await create(t, [nest(3)])).status).toBe(201);
  });

  it('a malformed nested branch is a 422, never a 500', async () => {
    const t = await createTenant();
    for (const inner of [
      { id: 'b2', type: 'branch' },
      { id: 'b2', type: 'branch', branches: 'x' },
      { id: 'b2', type: 'branch', branches: [{ if: true, steps: 5 }] },
      { id: 'b2', type: 'branch', branches: [{ if: true, steps: [null] }] },
    ]) {
      const error = expectEnvelope(await create(t, [branch('b1', [inner])]), 422, 'validation_failed');
      expect(error.details).toContainEqual(
        expect.objectContaining({
          path: expect.stringMatching(/^body\.steps\.0\.branches\.0\.steps\.0\.branches/),
          message: expect.stringContaining("step 'b2'"),
        }),
      );
    }
  });

  it('PATCH checks steps the same way and leaves the draft as it was', async () => {
    const t = await createTenant();
    expect((await create(t, [send('a')])).status).toBe(201);
    const res = await api('PATCH', '/v1/workflows/wf', { key: t.key, body: { steps: [send('a'), send('a')] } });
    expectStepError(res, 'a', 'body.steps.1.id', /used twice/);
    expectEnvelope(await api('PATCH', '/v1/workflows/wf', { key: t.key, body: {} }), 422, 'validation_failed');
    expect((await api('GET', '/v1/workflows/wf', { key: t.key })).body.steps).toEqual([send('a')]);
  });
});

describe('template references', () => {
  it('an unknown (or another tenant’s) template → 422 naming the step, at any depth; nothing stored', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('POST', '/v1/templates', {
      key: b.key,
      body: { key: 'theirs', name: 'Theirs', locales: { en: { email: { subject: 'Hi', text: 'x' } } } },
    });
    const top = await create(a, [send('mail', { content: undefined, template: 'missing' })]);
    const error = expectStepError(top, 'mail', 'body.steps.0.template', /no template 'missing'/);
    expect(error.details).toContainEqual(expect.objectContaining({ code: 'unknown_template' }));
    const nested = await create(a, [
      send('first'),
      branch('check', [{ id: 'mail', type: 'send', channel: 'email', template: 'theirs' }]),
    ]);
    expectStepError(nested, 'mail', 'body.steps.1.branches.0.steps.0.template', /no template 'theirs'/);
    expect(JSON.stringify(nested.body)).not.toContain(b.tenantId);
    expectEnvelope(await api('GET', '/v1/workflows/wf', { key: a.key }), 404, 'not_found');

    // PATCH too, and the draft keeps its steps.
    expect((await create(a, [send('first')])).status).toBe(201);
    const patched = await api('PATCH', '/v1/workflows/wf', {
      key: a.key,
      body: { steps: [{ id: 'mail', type: 'send', channel: 'email', template: 'missing' }] },
    });
    expectStepError(patched, 'mail', 'body.steps.0.template', /no template 'missing'/);
    expect((await api('GET', '/v1/workflows/wf', { key: a.key })).body.steps).toEqual([send('first')]);
  });

  it('an unpublished template is fine in the draft, but publishing needs it published', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'draft-only', name: 'Draft', locales: { en: { email: { subject: 'Hi', text: 'x' } } } },
    });
    const steps = [branch('check', [{ id: 'mail', type: 'send', channel: 'email', template: 'draft-only' }])];
    expect((await create(t, steps)).status).toBe(201);
    const refused = await api('POST', '/v1/workflows/wf/publish', { key: t.key });
    const error = expectStepError(refused, 'mail', 'draft.steps.0.branches.0.steps.0.template', /publish it first/);
    expect(error.details).toContainEqual(expect.objectContaining({ code: 'template_not_published' }));
    expect((await api('GET', '/v1/workflows/wf', { key: t.key })).body.publishedVersion).toBeNull();

    await api('POST', '/v1/templates/draft-only/publish', { key: t.key });
    expect((await api('POST', '/v1/workflows/wf/publish', { key: t.key })).body.publishedVersion).toBe(1);
    // A version whose template was deleted since cannot be published again.
    expect((await api('DELETE', '/v1/templates/draft-only', { key: t.key })).status).toBe(204);
    expectStepError(
      await api('POST', '/v1/workflows/wf/publish', { key: t.key, body: { version: 1 } }),
      'mail',
      'version.steps.0.branches.0.steps.0.template',
      /no template 'draft-only'/,
    );
  });
});

describe('conflicts and unknown workflows', () => {
  it('a duplicate key → 409 conflict; an unknown workflow → 404 on every route', async () => {
    const t = await createTenant();
    expect((await create(t, [send('a')], 'dup')).status).toBe(201);
    expectEnvelope(await create(t, [send('b')], 'dup'), 409, 'conflict');
    for (const [method, path, body] of [
      ['GET', '/v1/workflows/nope', undefined],
      ['PATCH', '/v1/workflows/nope', { name: 'x' }],
      ['DELETE', '/v1/workflows/nope', undefined],
      ['POST', '/v1/workflows/nope/publish', undefined],
      ['GET', '/v1/workflows/nope/versions', undefined],
    ] as const) {
      expectEnvelope(await api(method, path, { key: t.key, body }), 404, 'not_found');
    }
    expectEnvelope(
      await api('POST', '/v1/workflows/dup/publish', { key: t.key, body: { version: 1 } }),
      404,
      'not_found',
    );
  });
});
