/** Built-in layouts in templates/ are bundled as text (wrangler.toml [[rules]] type = "Text"). */
declare module '*.liquid' {
  const text: string;
  export default text;
}

/** The in-app inbox's browser files, served by the Worker as text (wrangler.toml [[rules]]: inbox-client). */
declare module '*/inbox-client/inbox.js' {
  const text: string;
  export default text;
}

declare module '*/inbox-client/demo.html' {
  const text: string;
  export default text;
}

/** The dashboard's page and module, served as text (wrangler.toml [[rules]]: dashboard-client). */
declare module '*/dashboard-client/app.js' {
  const text: string;
  export default text;
}

declare module '*/dashboard-client/dashboard.html' {
  const text: string;
  export default text;
}

/** Swagger UI for /docs, from the pinned swagger-ui-dist package, served as text (wrangler.toml [[rules]]). */
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}

declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
