/**
 * ECDSA signature encodings. Providers (SendGrid) send ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }`; WebCrypto
 * only takes IEEE P1363 (`r || s`, each left-padded to the curve size), so we convert in both directions.
 */

/** DER → P1363 for a curve of `size` bytes (32 for P-256). Null when the input is not a well-formed signature. */
export function derToP1363(der: Uint8Array, size = 32): Uint8Array | null {
  // A P-256 signature is at most 72 bytes, so every length here fits the short (single-byte) form.
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2 || der[1]! >= 0x80) return null;
  const out = new Uint8Array(size * 2);
  let at = 2;
  for (const slot of [0, 1]) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1]!;
    if (len === 0 || len >= 0x80 || at + 2 + len > der.length) return null;
    let int = der.subarray(at + 2, at + 2 + len);
    if (int[0]! & 0x80) return null; // negative: not a valid r or s
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return null;
    out.set(int, slot * size + (size - int.length));
    at += 2 + len;
  }
  return at === der.length ? out : null;
}

/** P1363 → DER (minimal INTEGERs). Used to sign test requests the way SendGrid does. */
export function p1363ToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const trimmed = bytes.subarray(i);
    // a leading 0x00 keeps a high-bit value positive
    const body = trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed;
    return Uint8Array.of(0x02, body.length, ...body);
  };
  const r = integer(raw.subarray(0, half));
  const s = integer(raw.subarray(half));
  return Uint8Array.of(0x30, r.length + s.length, ...r, ...s);
}
