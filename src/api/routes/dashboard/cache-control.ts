/** Revalidated on every load: the page and its one module change together on a deploy and must not mix versions. */
export const CACHE_CONTROL = 'no-cache';
