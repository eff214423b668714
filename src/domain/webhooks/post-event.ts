import { retryAfterSeconds } from '../../channels/http-outcome';
import { type UrlPolicy, urlProblem } from '../../lib/ssrf-guard';
import { signedHeaders } from '../../lib/standard-webhooks';
import { traceHeader } from '../../observability/trace-context';
import { eventBody, type StoredEvent } from './event-types';

const SNIPPET_BYTES = 1024;

export interface PostResult {
  succeeded: boolean;
  statusCode: number | null;
  durationMs: number;
  /** At most 1 KB of the response body. */
  responseSnippet: string | null;
  /** Why it failed, for the attempt row and the API (`http_500`, `redirect_not_followed`, `timeout` …). */
  error: string | null;
  /** 410 Gone: the receiver asks us to stop; the endpoint is disabled. */
  gone: boolean;
  /** Honoured on 429/502/503/504. */
  retryAfterSeconds?: number;
}

const HONOURS_RETRY_AFTER = new Set([429, 502, 503, 504]);

/**
 * One signed POST of an event to an endpoint: 15 s timeout (configurable), redirects never followed (a 3xx is a
 * failure: a moved endpoint must be updated by its owner, and following would bypass the SSRF check), 2xx only
 * counts as success. The URL is checked again here because the policy may have changed since it was saved.
 */
export async function postEvent(opts: {
  url: string;
  event: StoredEvent;
  secrets: string[];
  policy: UrlPolicy;
  timeoutMs: number;
  now?: Date;
}): Promise<PostResult> {
  const started = Date.now();
  const problem = urlProblem(opts.url, opts.policy);
  if (problem) return failure(started, null, null, `url_refused: ${problem}`);
  const body = eventBody(opts.event);
  // webhook-id is the event id: the same on retries and replays, so receivers deduplicate on it.
  const headers = signedHeaders(opts.secrets, opts.event.id, opts.now ?? new Date(), body);
  let res: Response;
  try {
    res = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'notifykit-webhooks/1',
        ...headers,
        ...traceHeader(),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    return failure(started, null, null, timeout ? 'timeout' : 'network_error');
  }
  const snippet = await readSnippet(res);
  const status = res.status;
  if (status >= 200 && status < 300) {
    return {
      succeeded: true,
      statusCode: status,
      durationMs: Date.now() - started,
      responseSnippet: snippet,
      error: null,
      gone: false,
    };
  }
  const error = status >= 300 && status < 400 ? 'redirect_not_followed' : `http_${status}`;
  const result = failure(started, status, snippet, error);
  const after = HONOURS_RETRY_AFTER.has(status) ? retryAfterSeconds(res.headers.get('retry-after')) : undefined;
  return { ...result, gone: status === 410, ...(after !== undefined ? { retryAfterSeconds: after } : {}) };
}

function failure(started: number, statusCode: number | null, snippet: string | null, error: string): PostResult {
  return {
    succeeded: false,
    statusCode,
    durationMs: Date.now() - started,
    responseSnippet: snippet,
    error,
    gone: false,
  };
}

/** Reads at most 1 KB, without buffering a huge body. */
async function readSnippet(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a body cut short still leaves what was read
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  // NUL cannot be stored in a Postgres text column.
  const text = new TextDecoder().decode(bytes.slice(0, SNIPPET_BYTES)).replaceAll('\u0000', '');
  return text || null;
}
