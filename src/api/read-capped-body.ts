import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors';
import type { AppEnv } from './context';

/**
 * The request body, refused with 413 `payload_too_large` past `maxBytes`. Hono's bodyLimit trusts a declared
 * Content-Length and otherwise counts the stream as it arrives, so a chunked upload is cut off at the cap instead
 * of being buffered whole first (a 100 MB body would otherwise sit in a 128 MB isolate before we looked at it).
 * The body is cached on the request, so validators read it again for free.
 */
export async function readCappedBody(
  c: Context<AppEnv>,
  maxBytes: number,
  what = 'Request body',
): Promise<ArrayBuffer> {
  let body = new ArrayBuffer(0);
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError('payload_too_large', `${what} exceeds ${maxBytes} bytes`);
    },
  });
  await limit(c, async () => {
    body = await c.req.arrayBuffer();
  });
  return body;
}
