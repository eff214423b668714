import { upsertLayout } from '../../../db/queries/layouts';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { LayoutBody, LayoutKeyParam, LayoutSchema } from './schema';

export const putLayoutRoute = operation({
  method: 'put',
  path: '/v1/layouts/{key}',
  operationId: 'putLayout',
  tags: ['Templates'],
  summary: 'Create or replace an email layout (HTML with a {{ content }} slot); a key of a built-in overrides it',
  description:
    'The layout wraps the rendered email HTML of every template that names it; its HTML must contain the `{{ content }}` slot.',
  middleware: [requireScope('admin')] as const,
  request: {
    params: LayoutKeyParam,
    body: jsonBody(LayoutBody, {
      name: 'Branded',
      html: '<html><body><img src="https://acme.test/logo.png" alt="Acme">{{ content }}<p>Acme Inc.</p></body></html>',
    }),
  },
  responses: {
    200: json(LayoutSchema, 'Replaced'),
    201: json(LayoutSchema, 'Created'),
    ...errorResponses(...AUTHED_ERRORS, ...BODY_ERRORS),
  },
});

export function registerPutLayout(app: App) {
  app.openapi(putLayoutRoute, async (c) => {
    const { layout, created } = await upsertLayout(
      c.var.db,
      authOf(c).tenantId,
      c.req.valid('param').key,
      c.req.valid('json'),
    );
    const body = {
      key: layout.key,
      name: layout.name,
      html: layout.html,
      builtIn: false,
      updatedAt: layout.updatedAt.toISOString(),
    };
    return created ? c.json(body, 201) : c.json(body, 200);
  });
}
