import type { LayoutRow } from '../../db/schema';
import { BUILT_IN_LAYOUTS } from './built-ins';

/**
 * Resolves a layout key for one tenant: its own layout first, then a built-in. The cache key includes the
 * layout's update time, so an edited layout is parsed afresh.
 */
export function layoutSourceFor(tenantId: string, rows: LayoutRow[]) {
  return (key: string) => {
    const own = rows.find((r) => r.tenantId === tenantId && r.key === key);
    if (own) return { source: own.html, cacheKey: `${tenantId}:${key}:${own.updatedAt.getTime()}` };
    const builtIn = BUILT_IN_LAYOUTS[key];
    return builtIn === undefined ? undefined : { source: builtIn, cacheKey: `builtin:${key}` };
  };
}
