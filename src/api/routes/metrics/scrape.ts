import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { readMetrics } from '../../../db/queries/metrics';
import { EXPOSITION_CONTENT_TYPE, renderExposition } from '../../../domain/metrics/exposition';
import { BACKLOG_AFTER_SECONDS, metricFamilies } from '../../../domain/metrics/families';
import type { AppEnv } from '../../context';

/** An OpenAPI response in the Prometheus text format. */
export const exposition = (description: string) => ({
  description,
  content: {
    [EXPOSITION_CONTENT_TYPE]: {
      schema: z.string().openapi({ example: '# TYPE notifykit_notifications_accepted_total counter\n…' }),
    },
  },
});

/** Everything is read at scrape time: each scrape costs one database round trip and caches nothing. */
export async function scrape(c: Context<AppEnv>, tenantId: string | null) {
  const { counts, gauges } = await readMetrics(c.var.db, tenantId, BACKLOG_AFTER_SECONDS);
  // 'Content-Type' spelled as c.text() spells its default, so this one replaces it rather than joining it.
  return c.text(renderExposition(metricFamilies(counts, gauges)), 200, {
    'Content-Type': EXPOSITION_CONTENT_TYPE,
    'Cache-Control': 'no-store',
  });
}
