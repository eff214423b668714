import { z } from '@hono/zod-openapi';

/**
 * The one alphabet for identifiers a client chooses: subscriber ids (free-form, the tenant's own user ids) and
 * resource keys (templates, layouts, categories, topics: short slugs). Every route that accepts one, in a body or
 * a path, validates it with a schema from this module, so a stored id is always one a URL path can name and a
 * dashboard can show without lying about it (docs/decisions.md, "Client-chosen ids").
 */

/** Longest subscriber id: room for emails, URNs and UUID-prefixed ids. */
export const MAX_EXTERNAL_ID_LENGTH = 255;
/** Longest resource key (template, layout, category, topic). */
export const MAX_KEY_LENGTH = 100;

/**
 * Controls (C0, DEL, C1), format characters (bidi overrides U+202A–U+202E and isolates U+2066–U+2069, zero-width
 * characters, U+FEFF), line/paragraph separators and lone surrogates (`\p{Cs}` under the `u` flag matches only an
 * unpaired half). Each of them makes an id render differently from what it is.
 */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const EDGE_WHITESPACE = /^[\s\p{Z}]|[\s\p{Z}]$/u;
/** Made only of dots and slashes (`.`, `..`, `/`): a client's URL library rewrites such a path segment. */
const PATH_LIKE = /^[./]+$/;

/** Why `id` is not an acceptable subscriber id, or null. */
export function externalIdProblem(id: string): string | null {
  if (id.length === 0) return 'must not be empty';
  if (id.length > MAX_EXTERNAL_ID_LENGTH) return `must be at most ${MAX_EXTERNAL_ID_LENGTH} characters`;
  if (INVISIBLE_OR_CONTROL.test(id)) return 'must not contain control, bidi or invisible characters';
  if (EDGE_WHITESPACE.test(id)) return 'must not start or end with whitespace';
  if (PATH_LIKE.test(id)) return 'must not consist only of "." and "/"';
  return null;
}

/** A subscriber id (`externalId`): printable Unicode, 1–255 characters, no edge whitespace, not `.`/`..`/`/`. */
export const ExternalId = z
  .string()
  .superRefine((s, ctx) => {
    const problem = externalIdProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'invalid_id' } });
  })
  .openapi({
    description:
      "The tenant's own user id: 1–255 printable characters, no leading/trailing whitespace, no control or bidi characters",
    example: 'user-42',
  });

/** Template, layout and category keys: lowercase slugs, safe in a path and in a Liquid tag. */
export const ResourceKey = z
  .string()
  .regex(
    new RegExp(`^[a-z0-9][a-z0-9._-]{0,${MAX_KEY_LENGTH - 1}}$`),
    'lowercase letters, digits, ".", "_" and "-", starting with a letter or digit (1–100)',
  );

/** Topic keys: letters, digits and `_ . : -`, starting with a letter, digit or `_` (1–100). */
export const TopicKey = z
  .string()
  .regex(
    new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,${MAX_KEY_LENGTH - 1}}$`),
    'letters, digits and _ . : -, starting with a letter, digit or _ (1–100)',
  )
  .openapi({ example: 'product-updates' });
