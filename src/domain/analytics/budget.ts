/** The first instant of the UTC month `at` falls in: budgets and GET /v1/usage count calendar months (UTC). */
export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));

export const monthKey = (at: Date) => monthStart(at).toISOString().slice(0, 7);

/** Where a month's spend stands against a budget: under, past the 80% warning line, or at/over it. */
export function budgetLevel(spent: number, budget: number | null | undefined): 'none' | 'ok' | 'warning' | 'exceeded' {
  if (!budget) return 'none';
  if (spent >= budget) return 'exceeded';
  return spent >= 0.8 * budget ? 'warning' : 'ok';
}
