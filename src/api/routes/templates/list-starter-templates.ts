import { z } from '@hono/zod-openapi';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf } from '../../openapi';
import { operation } from '../../operation';

export const listStarterTemplatesRoute = operation({
  method: 'get',
  path: '/v1/starter-templates',
  operationId: 'listStarterTemplates',
  tags: ['Templates'],
  summary: 'Built-in starter templates (welcome, password reset, receipt, price drop) to copy',
  description: 'Create a template from one with `starter` on POST /v1/templates.',
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(
      pageOf(
        z.object({
          key: z.string(),
          name: z.string(),
          variables: z.array(z.string()),
          locales: z.array(z.string()),
          channels: z.array(z.string()),
        }),
      ),
      'Every starter (one page: `next` is always null)',
    ),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

export function registerListStarterTemplates(app: App) {
  app.openapi(listStarterTemplatesRoute, (c) =>
    c.json(
      {
        data: Object.entries(STARTER_TEMPLATES).map(([key, t]) => ({
          key,
          name: t.name,
          variables: t.variables,
          locales: Object.keys(t.locales),
          channels: [...new Set(Object.values(t.locales).flatMap((p) => Object.keys(p)))],
        })),
        next: null,
      },
      200,
    ),
  );
}
