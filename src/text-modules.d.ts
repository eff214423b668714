/** Built-in layouts in templates/ are bundled as text (wrangler.toml [[rules]] type = "Text"). */
declare module '*.liquid' {
  const text: string;
  export default text;
}
