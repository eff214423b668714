import { createRoute, z } from '@hono/zod-openapi';
import {
  addMembers,
  countMembers,
  deleteTopic,
  getTopicByKey,
  insertTopic,
  listTopics,
  membersAfter,
  removeMembers,
} from '../../../db/queries/topics';
import { ApiError, notFound } from '../../../errors';
import { newId } from '../../../lib/ids';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import {
  AUTHED_ERRORS,
  BODY_ERRORS,
  bearerSecurity,
  errorResponses,
  json,
  jsonBody,
  pageOf,
  pageQuery,
} from '../../openapi';
import { AddedMembersSchema, CreateTopicBody, MembersBody, presentTopic, TopicKeyParam, TopicSchema } from './schema';

const tags = ['Topics'];
const write = requireScope('subscribers:write');
const read = requireScope('read');

const createTopicRoute = createRoute({
  method: 'post',
  path: '/v1/topics',
  tags,
  summary: 'Create a topic (a list of subscribers a send or schedule can target)',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { body: jsonBody(CreateTopicBody) },
  responses: { 201: json(TopicSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

const listTopicsRoute = createRoute({
  method: 'get',
  path: '/v1/topics',
  tags,
  summary: 'List topics with their subscriber counts',
  security: bearerSecurity,
  middleware: [read] as const,
  request: { query: pageQuery('top') },
  responses: { 200: json(pageOf(TopicSchema), 'A page of topics'), ...errorResponses(...AUTHED_ERRORS, 422) },
});

const getTopicRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{key}',
  tags,
  summary: 'A topic',
  security: bearerSecurity,
  middleware: [read] as const,
  request: { params: TopicKeyParam },
  responses: { 200: json(TopicSchema, 'The topic'), ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

const deleteTopicRoute = createRoute({
  method: 'delete',
  path: '/v1/topics/{key}',
  tags,
  summary: 'Delete a topic and its memberships (subscribers are kept)',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { params: TopicKeyParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404, 422) },
});

const addMembersRoute = createRoute({
  method: 'put',
  path: '/v1/topics/{key}/subscribers',
  tags,
  summary: 'Add up to 1,000 subscribers (by your ids) to a topic; idempotent',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody) },
  responses: { 200: json(AddedMembersSchema, 'Added'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

const removeMembersRoute = createRoute({
  method: 'delete',
  path: '/v1/topics/{key}/subscribers',
  tags,
  summary: 'Remove up to 1,000 subscribers from a topic',
  security: bearerSecurity,
  middleware: [write] as const,
  request: { params: TopicKeyParam, body: jsonBody(MembersBody) },
  responses: {
    200: json(z.object({ removed: z.number().int() }), 'Removed'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404),
  },
});

const listMembersRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{key}/subscribers',
  tags,
  summary: "A topic's subscribers (your ids), in a stable order",
  security: bearerSecurity,
  middleware: [read] as const,
  request: { params: TopicKeyParam, query: pageQuery('sub') },
  responses: {
    200: json(pageOf(z.object({ subscriberId: z.string(), addedAt: z.iso.datetime().optional() })), 'A page'),
    ...errorResponses(...AUTHED_ERRORS, 404, 422),
  },
});

export function registerTopicRoutes(app: App) {
  const topicOf = async (db: Parameters<typeof getTopicByKey>[0], tenantId: string, key: string) => {
    const topic = await getTopicByKey(db, tenantId, key);
    if (!topic) throw notFound('Topic');
    return topic;
  };
  app.openapi(createTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const body = c.req.valid('json');
    const created = await insertTopic(c.var.db, { id: newId('top'), tenantId, key: body.key, name: body.name ?? null });
    if (!created) throw new ApiError('conflict', `Topic '${body.key}' already exists`);
    return c.json(presentTopic({ ...created, subscriberCount: 0 }), 201);
  });
  app.openapi(listTopicsRoute, async (c) => {
    const page = await listTopics(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentTopic), next: page.next }, 200);
  });
  app.openapi(getTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json(presentTopic({ ...topic, subscriberCount: await countMembers(c.var.db, tenantId, topic.id) }), 200);
  });
  app.openapi(deleteTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    await deleteTopic(c.var.db, tenantId, topic.id);
    return c.body(null, 204);
  });
  app.openapi(addMembersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json(await addMembers(c.var.db, tenantId, topic.id, c.req.valid('json').subscribers), 200);
  });
  app.openapi(removeMembersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    return c.json({ removed: await removeMembers(c.var.db, tenantId, topic.id, c.req.valid('json').subscribers) }, 200);
  });
  app.openapi(listMembersRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const topic = await topicOf(c.var.db, tenantId, c.req.valid('param').key);
    const q = c.req.valid('query');
    const rows = await membersAfter(c.var.db, tenantId, topic.id, q.after ?? null, q.limit + 1);
    const data = rows.slice(0, q.limit);
    return c.json(
      {
        data: data.map((r) => ({ subscriberId: r.subscriber.externalId })),
        next: rows.length > q.limit ? (data.at(-1)?.subscriber.id ?? null) : null,
      },
      200,
    );
  });
}
