import { rotateProviderSecret } from '../../../domain/providers/manage-providers';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json } from '../../openapi';
import { operation } from '../../operation';
import { RotatedSecretSchema } from '../webhook-endpoints/schema';
import { actorOf } from './actor';
import { ProviderIdParam } from './schema';

export const rotateProviderSecretRoute = operation({
  method: 'post',
  path: '/v1/providers/{id}/rotate-secret',
  operationId: 'rotateProviderSecret',
  tags: ['Providers'],
  summary: 'Issue a new signing secret for the webhook channel; the old one keeps signing alongside it for 24 h',
  description:
    'Only for the `webhook` provider (409 for others, whose credentials change with PATCH). The response carries the new secret once; during the overlap each request carries both signatures.',
  middleware: [requireScope('admin')] as const,
  request: { params: ProviderIdParam },
  responses: {
    200: json(RotatedSecretSchema, 'The new secret (shown once)'),
    ...errorResponses(...AUTHED_ERRORS, 404, 409),
  },
});

export function registerRotateProviderSecret(app: App) {
  app.openapi(rotateProviderSecretRoute, async (c) => {
    const { db, config } = c.var;
    return c.json(await rotateProviderSecret(db, config, actorOf(c), c.req.valid('param').id), 200);
  });
}
