import { listLayouts } from '../../../db/queries/layouts';
import { BUILT_IN_LAYOUTS } from '../../../domain/templates/built-ins';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf } from '../../openapi';
import { operation } from '../../operation';
import { LayoutSchema } from './schema';

export const listLayoutsRoute = operation({
  method: 'get',
  path: '/v1/layouts',
  operationId: 'listLayouts',
  tags: ['Templates'],
  summary: "The tenant's layouts and the built-in ones",
  description:
    "Built-in layouts are listed with the tenant's overrides applied, so the result is what templates render with.",
  middleware: [requireScope('read')] as const,
  responses: {
    200: json(pageOf(LayoutSchema), 'Every layout (one page: `next` is always null)'),
    ...errorResponses(...AUTHED_ERRORS),
  },
});

export function registerListLayouts(app: App) {
  app.openapi(listLayoutsRoute, async (c) => {
    const own = await listLayouts(c.var.db, authOf(c).tenantId);
    const builtIns = Object.entries(BUILT_IN_LAYOUTS)
      .filter(([key]) => !own.some((l) => l.key === key))
      .map(([key, html]) => ({ key, name: `Built-in ${key}`, html, builtIn: true, updatedAt: null }));
    const data = [
      ...own.map((l) => ({
        key: l.key,
        name: l.name,
        html: l.html,
        builtIn: false,
        updatedAt: l.updatedAt.toISOString(),
      })),
      ...builtIns,
    ];
    return c.json({ data, next: null }, 200);
  });
}
