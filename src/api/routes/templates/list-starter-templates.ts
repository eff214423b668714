import { createRoute, z } from '@hono/zod-openapi';
import { STARTER_TEMPLATES } from '../../../domain/templates/built-ins';
import type { App } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf } from '../../openapi';

export const listStarterTemplatesRoute = createRoute({
  method: 'get',
  path: '/v1/starter-templates',
  tags: ['Templates'],
  summary: 'Built-in starter templates (welcome, password reset, receipt, price drop) to copy',
  security: bearerSecurity,
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
