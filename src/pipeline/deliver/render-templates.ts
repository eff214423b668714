import { smsText, smsTooLong } from '../../channels/sms/segments';
import type { AppContext } from '../../context';
import { loadLayouts } from '../../db/queries/layouts';
import type { DeliveryToSend } from '../../db/queries/pipeline';
import { loadVersionContents } from '../../db/queries/templates';
import { layoutSourceFor } from '../../domain/templates/layout-source';
import { RenderError } from '../../domain/templates/liquid-engine';
import { renderTemplate } from '../../domain/templates/render-template';

/**
 * A template delivery's rendered content and the locale it rendered in, or why it could not render (`code`
 * when the failure has its own name; `render_error` otherwise).
 */
export type Rendering = { locale: string; content: DeliveryToSend['content'] } | { error: string; code?: string };

/** A rendered SMS longer than providers take fails here, by name, instead of at every provider in turn. */
function checked(channel: DeliveryToSend['channel'], rendered: Rendering & { content: object }): Rendering {
  const tooLong = channel === 'sms' ? smsTooLong(smsText(rendered.content)) : null;
  return tooLong ? { error: `the rendered ${tooLong.message}`, code: tooLong.code } : rendered;
}

/**
 * Renders the template deliveries of a batch (one query for every template version involved). Parsed templates
 * are cached per isolate by version, since versions never change. A template that cannot render safely fails
 * that delivery (`render_error`) and nothing else.
 */
export async function renderTemplates(ctx: AppContext, rows: DeliveryToSend[]) {
  const out = new Map<string, Rendering>();
  const templated = rows.filter((d) => d.templateId && d.templateVersion !== null);
  if (templated.length === 0) return out;
  const pairs = [
    ...new Map(
      templated.map((d) => [
        `${d.templateId}@${d.templateVersion}`,
        { tenantId: d.tenantId, templateId: d.templateId!, version: d.templateVersion! },
      ]),
    ).values(),
  ];
  const [contents, layoutRows] = await Promise.all([
    loadVersionContents(ctx.db, pairs),
    loadLayouts(ctx.db, [...new Set(templated.map((d) => d.tenantId))]),
  ]);
  await Promise.all(
    templated.map(async (d) => {
      const version = contents.find(
        (c) => c.tenant_id === d.tenantId && c.template_id === d.templateId && Number(c.version) === d.templateVersion,
      );
      if (!version) {
        out.set(d.id, { error: 'the template version no longer exists' });
        return;
      }
      try {
        const data = { ...(d.data ?? {}), recipient: { id: d.recipient, address: d.address } };
        const cacheKey = `${d.tenantId}:${d.templateId}:${d.templateVersion}`;
        const rendered = await renderTemplate(
          version.content,
          d.channel,
          d.locale,
          data,
          cacheKey,
          layoutSourceFor(d.tenantId, layoutRows),
        );
        out.set(d.id, checked(d.channel, rendered));
      } catch (err) {
        out.set(d.id, { error: err instanceof RenderError ? err.message : `render failed: ${String(err)}` });
      }
    }),
  );
  return out;
}
