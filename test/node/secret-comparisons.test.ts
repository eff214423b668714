import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A guard that keeps secret checks constant-time as the code changes. It is a heuristic over the source text: an
// `===`/`!==` whose operand is named like a secret (signature, token, secret, password, mac, digest, api key) and
// is not compared with a literal. Such checks must go through timingSafeEqualStrings (src/lib/timing-safe.ts) or a
// library verify (jose's jwtVerify, crypto.subtle.verify, standardwebhooks); API keys are looked up by SHA-256 hash.

const SECRET_NAME = /(signature|secret|password|passwd|hmac|mac|apikey|token|digest)s?$/i;
const LITERAL = /^(null|undefined|true|false|\d+|'[^']*'|"[^"]*"|`[^`]*`)$/;
const COMPARISON = /([\w$.?'"`[\]]+)\s*(?:===|!==|==|!=)\s*([\w$.?'"`[\]]+)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Lines of `files` (path → text) comparing a secret-named value with `===`-style equality. */
function secretComparisons(files: Record<string, string>): string[] {
  const lastName = (x: string) =>
    x
      .split(/[.?[\]]+/)
      .filter(Boolean)
      .pop() ?? x;
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    text.split('\n').forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
      for (const [, a = '', b = ''] of line.matchAll(COMPARISON)) {
        if (LITERAL.test(a) || LITERAL.test(b) || a.startsWith('typeof')) continue;
        if (SECRET_NAME.test(lastName(a)) || SECRET_NAME.test(lastName(b)))
          found.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  return found;
}

describe('secret comparisons are constant-time', () => {
  it('the guard catches a plain comparison of a signature or token, and leaves literals and lengths alone', () => {
    const found = secretComparisons({
      'a.ts': [
        'if (signature !== expected) return false;',
        'return presentedToken == row.storedToken;',
        'if (headers.apiKey === key) ok();',
        'if (tokens.length === 0) return;',
        "if (typeof token === 'string') go();",
        'if (secret === undefined) throw err;',
        '// if (signature === expected) in a comment',
      ].join('\n'),
    });
    expect(found).toEqual([
      'a.ts:1: if (signature !== expected) return false;',
      'a.ts:2: return presentedToken == row.storedToken;',
      'a.ts:3: if (headers.apiKey === key) ok();',
    ]);
  });

  it('no code under src/ compares a secret with ===', () => {
    const files = Object.fromEntries(sourceFiles('src').map((f) => [f, fs.readFileSync(f, 'utf8')]));
    expect(Object.keys(files).length).toBeGreaterThan(100);
    expect(secretComparisons(files)).toEqual([]);
  });

  it('every verifier of a shared secret uses the constant-time helper or a library verify', () => {
    const uses = (file: string, call: string) => fs.readFileSync(file, 'utf8').includes(call);
    const sites: [string, string][] = [
      ['src/api/middleware/metrics-token.ts', 'timingSafeEqualStrings('],
      ['src/domain/analytics/tracking-token.ts', 'timingSafeEqualStrings('],
      ['src/channels/sms/twilio/receipts.ts', 'timingSafeEqualStrings('],
      ['src/channels/email/postmark/receipts.ts', 'timingSafeEqualStrings('],
      ['src/channels/email/resend/receipts.ts', '.verify('], // standardwebhooks (constant-time compare inside)
      ['src/channels/email/sendgrid/receipts.ts', 'crypto.subtle.verify('],
      ['src/channels/email/ses/sns-envelope.ts', 'crypto.subtle.verify('],
      ['src/domain/subscribers/subscriber-token.ts', 'jwtVerify('],
      ['src/domain/dashboard/session.ts', 'jwtVerify('],
      ['src/api/middleware/auth.ts', 'hashApiKey('], // looked up by SHA-256 hash, never compared in code
    ];
    expect(sites.filter(([file, call]) => !uses(file, call))).toEqual([]);
    // The helper hashes both sides, then compares in constant time (equal lengths whatever the input).
    const helper = fs.readFileSync('src/lib/timing-safe.ts', 'utf8');
    expect(helper).toContain("crypto.subtle.digest('SHA-256'");
    expect(helper).toContain('crypto.subtle.timingSafeEqual(');
  });
});
