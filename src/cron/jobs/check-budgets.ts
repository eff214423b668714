import { applyBudgetLevels, budgetsToCheck } from '../../db/queries/usage';
import { budgetLevel, monthKey, monthStart } from '../../domain/analytics/budget';
import { enqueueEmitted } from '../../queues/enqueue-webhooks';
import type { CronContext } from '../cron-context';

/**
 * Every minute: month-to-date spend against each tenant's budget. At 80% the tenant is warned once a month
 * (`usage.budget_warning`); at 100% with a hard stop, sends are refused until the month turns or the budget is
 * raised (`usage.budget_exceeded`). A stop is checked here, not per send, so accepting stays one round trip.
 */
export async function checkBudgets(ctx: CronContext) {
  const now = ctx.scheduledTime;
  const month = monthKey(now);
  const rows = await budgetsToCheck(ctx.db, monthStart(now));
  const warn = rows.filter((r) => budgetLevel(r.spent, r.budget) !== 'ok' && r.budget_warned_month !== month);
  const stop = rows.filter(
    (r) => r.hard_stop && budgetLevel(r.spent, r.budget) === 'exceeded' && r.budget_stopped_month !== month,
  );
  const lift = rows
    .filter((r) => r.budget_stopped_month !== null && (!r.hard_stop || budgetLevel(r.spent, r.budget) !== 'exceeded'))
    .map((r) => r.id);
  if (warn.length + stop.length + lift.length === 0) return;
  const emitted = await applyBudgetLevels(ctx.db, month, { warn, stop, lift });
  await enqueueEmitted(ctx, emitted);
  ctx.log.info('budgets checked', { warned: warn.length, stopped: stop.length, lifted: lift.length });
}
