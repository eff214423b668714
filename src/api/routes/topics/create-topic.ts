import { insertTopic } from '../../../db/queries/topics';
import { ApiError } from '../../../errors';
import { newId } from '../../../lib/ids';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { CreateTopicBody, presentTopic, TopicSchema } from './schema';

export const createTopicRoute = operation({
  method: 'post',
  path: '/v1/topics',
  operationId: 'createTopic',
  tags: ['Topics'],
  summary: 'Create a topic (a list of subscribers a send or schedule can target)',
  description: 'A send to `{ "topic": key }` reaches every subscriber of the topic as one broadcast.',
  middleware: [requireScope('subscribers:write')] as const,
  request: { body: jsonBody(CreateTopicBody, { key: 'product-updates', name: 'Product updates' }) },
  responses: { 201: json(TopicSchema, 'Created'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409) },
});

export function registerCreateTopic(app: App) {
  app.openapi(createTopicRoute, async (c) => {
    const tenantId = authOf(c).tenantId;
    const body = c.req.valid('json');
    const created = await insertTopic(c.var.db, { id: newId('top'), tenantId, key: body.key, name: body.name ?? null });
    if (!created) throw new ApiError('conflict', `Topic '${body.key}' already exists`);
    return c.json(presentTopic({ ...created, subscriberCount: 0 }), 201);
  });
}
