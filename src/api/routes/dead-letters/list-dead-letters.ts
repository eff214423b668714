import { z } from '@hono/zod-openapi';
import { listDeadLetters } from '../../../db/queries/dead-letters';
import { CHANNELS } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { operation } from '../../operation';
import { DeadLetterSchema, presentDeadLetter } from './schema';

export const listDeadLettersRoute = operation({
  method: 'get',
  path: '/v1/dead-letters',
  operationId: 'listDeadLetters',
  tags: ['Dead letters'],
  summary: 'Deliveries that exhausted their retries, newest first',
  description: "Each entry carries the delivery's last error, so the cause can be fixed before replaying it.",
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('dlv').extend({ channel: z.enum(CHANNELS).optional() }) },
  responses: {
    200: json(pageOf(DeadLetterSchema), 'A page of dead letters'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListDeadLetters(app: App) {
  app.openapi(listDeadLettersRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listDeadLetters(c.var.db, authOf(c).tenantId, q.channel, q);
    return c.json({ data: page.data.map(presentDeadLetter), next: page.next }, 200);
  });
}
