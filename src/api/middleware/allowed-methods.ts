import { METHOD_NAME_ALL } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';

/** The order methods are listed in an `Allow` header. */
const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Answers "which methods does this path support?" for the routes an app has registered. */
export type AllowedMethods = (path: string) => string[];

/**
 * Derives the methods each path supports from the app's own route table (every `app.openapi`, `app.get`, …), so a
 * new route is covered without a list to keep in step. Middleware (`app.use`, method ALL) is not a route and is
 * left out. HEAD follows GET, as Hono answers HEAD with the GET handler. Built on first use: by then every route
 * is registered.
 */
export function allowedMethodsOf(app: { routes: readonly { method: string; path: string }[] }): AllowedMethods {
  let router: TrieRouter<string> | undefined;
  const build = () => {
    const table = new TrieRouter<string>();
    for (const route of app.routes) {
      // Every entry is added under ALL, with its real method as the "handler": one match returns all of them.
      if (route.method !== METHOD_NAME_ALL) table.add(METHOD_NAME_ALL, route.path, route.method.toUpperCase());
    }
    return table;
  };
  return (path) => {
    router ??= build();
    const methods = new Set(router.match('GET', path)[0].map(([method]) => method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort((a, b) => rank(a) - rank(b));
  };
}

const rank = (method: string) => {
  const i = ORDER.indexOf(method);
  return i === -1 ? ORDER.length : i;
};
