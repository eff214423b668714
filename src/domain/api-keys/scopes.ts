/**
 * Scopes a key can carry. `admin` implies every other scope (and is the only one that manages keys);
 * `read` covers every GET; the `:write` scopes cover the mutations of one area.
 */
export const SCOPES = ['admin', 'read', 'notifications:write', 'subscribers:write'] as const;
export type Scope = (typeof SCOPES)[number];

export const DEFAULT_SCOPES: Scope[] = ['admin'];

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes('admin') || granted.includes(required);
}
