-- Ids minted inside SQL statements (webhook events emitted by the delivery and receipt statements) take the same
-- form as every id minted in TypeScript (src/lib/ids.ts): `<prefix>_` + a ULID in lowercase Crockford base32
-- (48-bit millisecond time, then 80 random bits), so they sort by creation time like the others.
CREATE OR REPLACE FUNCTION nk_prefixed_ulid(prefix text) RETURNS text
LANGUAGE plpgsql VOLATILE PARALLEL SAFE AS $$
DECLARE
  alphabet constant text := '0123456789abcdefghjkmnpqrstvwxyz';
  ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  -- two UUIDv4s give 32 random-enough bytes; only the low 5 bits of bytes that carry no version/variant bits are used
  rnd bytea := decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex');
  out text := prefix || '_';
  i int;
BEGIN
  FOR i IN REVERSE 9..0 LOOP
    out := out || substr(alphabet, ((ms >> (5 * i)) & 31)::int + 1, 1);
  END LOOP;
  -- bytes 0-5 and 9-15 of each UUID are fully random (6 holds the version, 8 the variant)
  FOREACH i IN ARRAY ARRAY[0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18] LOOP
    out := out || substr(alphabet, (get_byte(rnd, i) & 31) + 1, 1);
  END LOOP;
  RETURN out;
END;
$$;
