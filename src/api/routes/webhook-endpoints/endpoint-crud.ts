import { createRoute } from '@hono/zod-openapi';
import { getWebhookEndpoint, listWebhookEndpoints } from '../../../db/queries/webhook-endpoints';
import { createEndpoint, deleteEndpoint, updateEndpoint } from '../../../domain/webhooks/manage-endpoints';
import { notFound } from '../../../errors';
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
import { actorOf } from '../providers/actor';
import { endpointContext } from './endpoint-context';
import {
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointBody,
  EndpointIdParam,
  presentEndpoint,
  UpdateWebhookEndpointBody,
  WebhookEndpointSchema,
} from './schema';

const tags = ['Webhooks'];

export const createEndpointRoute = createRoute({
  method: 'post',
  path: '/v1/webhook-endpoints',
  tags,
  summary: 'Add an endpoint that receives signed events',
  description: 'The response carries the signing secret (`whsec_…`) once. Every event is signed per Standard Webhooks.',
  security: bearerSecurity,
  // Not `idempotent`: a stored response would keep the secret in clear for 24 h.
  middleware: [requireScope('admin')] as const,
  request: { body: jsonBody(CreateWebhookEndpointBody) },
  responses: {
    201: json(CreatedWebhookEndpointSchema, 'Created'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 409),
  },
});

export const listEndpointsRoute = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints',
  tags,
  summary: 'List webhook endpoints (secrets never included)',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('whe') },
  responses: {
    200: json(pageOf(WebhookEndpointSchema), 'A page of endpoints'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export const getEndpointRoute = createRoute({
  method: 'get',
  path: '/v1/webhook-endpoints/{id}',
  tags,
  summary: 'A webhook endpoint',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { params: EndpointIdParam },
  responses: { 200: json(WebhookEndpointSchema, 'The endpoint'), ...errorResponses(...AUTHED_ERRORS, 404) },
});

export const updateEndpointRoute = createRoute({
  method: 'patch',
  path: '/v1/webhook-endpoints/{id}',
  tags,
  summary: 'Change the URL, event types or description; enable or disable',
  description: 'Re-enabling an endpoint we disabled clears its failure streak.',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam, body: jsonBody(UpdateWebhookEndpointBody) },
  responses: { 200: json(WebhookEndpointSchema, 'Updated'), ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS, 404) },
});

export const deleteEndpointRoute = createRoute({
  method: 'delete',
  path: '/v1/webhook-endpoints/{id}',
  tags,
  summary: 'Remove an endpoint and its delivery history',
  security: bearerSecurity,
  middleware: [requireScope('admin')] as const,
  request: { params: EndpointIdParam },
  responses: { 204: { description: 'Deleted' }, ...errorResponses(...AUTHED_ERRORS, 404) },
});

export function registerEndpointCrud(app: App) {
  app.openapi(createEndpointRoute, async (c) => {
    const { row, secret } = await createEndpoint(endpointContext(c), actorOf(c), c.req.valid('json'));
    return c.json({ ...presentEndpoint(row), secret }, 201);
  });
  app.openapi(listEndpointsRoute, async (c) => {
    const page = await listWebhookEndpoints(c.var.db, authOf(c).tenantId, c.req.valid('query'));
    return c.json({ data: page.data.map(presentEndpoint), next: page.next }, 200);
  });
  app.openapi(getEndpointRoute, async (c) => {
    const row = await getWebhookEndpoint(c.var.db, authOf(c).tenantId, c.req.valid('param').id);
    if (!row) throw notFound('Webhook endpoint');
    return c.json(presentEndpoint(row), 200);
  });
  app.openapi(updateEndpointRoute, async (c) => {
    const row = await updateEndpoint(endpointContext(c), actorOf(c), c.req.valid('param').id, c.req.valid('json'));
    return c.json(presentEndpoint(row), 200);
  });
  app.openapi(deleteEndpointRoute, async (c) => {
    await deleteEndpoint(endpointContext(c), actorOf(c), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
