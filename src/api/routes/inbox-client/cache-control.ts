/** Short, public caching: a fixed client reaches browsers within minutes of a deploy. */
export const CACHE_CONTROL = 'public, max-age=300';
