/**
 * Bit-exact ports of PostgreSQL's 64-bit ("extended") hash functions, so a client can
 * compute the same hash the server computes for a shard key without a round trip.
 *
 * The core is Bob Jenkins' lookup3 as adapted in PostgreSQL's `src/common/hashfn.c`
 * (`hash_bytes_extended`, `hash_bytes_uint32_extended`). Only the little-endian byte
 * order is implemented: every platform PostgreSQL commonly runs on (x86-64, arm64) is
 * little-endian, and a big-endian server would hash byte strings differently anyway.
 *
 * All mixing runs on 32-bit integers (`| 0`, `>>> 0`, shifts); BigInt is only used to
 * assemble the final 64-bit result, because BigInt arithmetic allocates and is far
 * slower than Smi/int32 arithmetic in V8.
 */

/** lookup3's golden-ratio start value plus the constant PostgreSQL adds to it. */
const INITVAL = (0x9e3779b9 + 3923095) | 0;

/** `0x9e3779b9 + sizeof(uint32) + 3923095`: the start state of the uint32 variant. */
const UINT32_INITVAL = (INITVAL + 4) | 0;

const TWO_POW_32 = 4294967296;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/*
 * The 64-bit result is assembled by writing two int32 halves into a reused buffer and
 * reading it back as one BigInt64: a single BigInt allocation, measurably faster than
 * `(BigInt(b) << 32n) | BigInt(c)` or a DataView. Typed arrays use the platform's byte
 * order, so the half indexes are picked once here.
 */
const resultHalves = new Int32Array(2);
const resultInt64 = new BigInt64Array(resultHalves.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
const LOW = LITTLE_ENDIAN ? 0 : 1;

/** Scratch space for UTF-8 encoding; grown on demand, up to a cap, so calls do not allocate. */
let scratch = new Uint8Array(256);
const MAX_SCRATCH_BYTES = 64 * 1024;
const uuidBytes = new Uint8Array(16);
const uint32Bytes = new Uint8Array(4);
const textEncoder = new TextEncoder();

/**
 * lookup3 `final(a,b,c)`, then `((uint64) b << 32) | c` reinterpreted as PostgreSQL's
 * signed int8. Taking the registers as arguments (rather than sharing mutable state)
 * keeps them in machine registers once V8 inlines this.
 */
function finish(a: number, b: number, c: number): bigint {
  c ^= b;
  c = (c - ((b << 14) | (b >>> 18))) | 0;
  a ^= c;
  a = (a - ((c << 11) | (c >>> 21))) | 0;
  b ^= a;
  b = (b - ((a << 25) | (a >>> 7))) | 0;
  c ^= b;
  c = (c - ((b << 16) | (b >>> 16))) | 0;
  a ^= c;
  a = (a - ((c << 4) | (c >>> 28))) | 0;
  b ^= a;
  b = (b - ((a << 14) | (a >>> 18))) | 0;
  c ^= b;
  c = (c - ((b << 24) | (b >>> 8))) | 0;
  resultHalves[HIGH] = b;
  resultHalves[LOW] = c;
  return resultInt64[0]!;
}

/**
 * `hash_bytes_extended` over `bytes[0, length)` with the seed already split into its
 * high and low 32-bit words (both 0 = unseeded).
 */
function hashBytes(bytes: Uint8Array, length: number, seedHigh: number, seedLow: number): bigint {
  let a = (INITVAL + length) | 0;
  let b = a;
  let c = a;
  let p = 0;
  let remaining = length;
  // PostgreSQL mixes a non-zero seed in as an extra leading 12-byte block (high word,
  // low word, zero). Folding it into the block loop keeps a single copy of mix().
  let seedPending = (seedHigh | seedLow) !== 0;

  while (seedPending || remaining >= 12) {
    if (seedPending) {
      a = (a + seedHigh) | 0;
      b = (b + seedLow) | 0;
      seedPending = false;
    } else {
      a = (a + (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24))) | 0;
      b = (b + (bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24))) | 0;
      c = (c + (bytes[p + 8]! | (bytes[p + 9]! << 8) | (bytes[p + 10]! << 16) | (bytes[p + 11]! << 24))) | 0;
      p += 12;
      remaining -= 12;
    }
    // lookup3 mix(a,b,c)
    a = (a - c) | 0;
    a ^= (c << 4) | (c >>> 28);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= (a << 6) | (a >>> 26);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= (b << 8) | (b >>> 24);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= (c << 16) | (c >>> 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= (a << 19) | (a >>> 13);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= (b << 4) | (b >>> 28);
    b = (b + a) | 0;
  }

  // Tail of 0..11 bytes, little-endian into a, b, then c shifted up one byte: the
  // lowest byte of c is "reserved for the length" (it already went into the start state).
  let wa = 0;
  let wb = 0;
  let wc = 0;
  for (let j = 0; j < remaining; j++) {
    const byte = bytes[p + j]!;
    if (j < 4) wa |= byte << (j * 8);
    else if (j < 8) wb |= byte << ((j - 4) * 8);
    else wc |= byte << ((j - 7) * 8);
  }
  return finish((a + wa) | 0, (b + wb) | 0, (c + wc) | 0);
}

/** The seed's high 32 bits; the seed is taken modulo 2^64 as PostgreSQL's `(uint64)` cast does. */
function seedHigh(seed: bigint): number {
  return seed === 0n ? 0 : Number(BigInt.asIntN(32, seed >> 32n));
}

function seedLow(seed: bigint): number {
  return seed === 0n ? 0 : Number(BigInt.asIntN(32, seed));
}

/** `hash_bytes_uint32_extended`: `k` is taken modulo 2^32, like C's `(uint32)` cast. */
function hashUint32(k: number, seed: bigint): bigint {
  if (seed === 0n) return finish((UINT32_INITVAL + k) | 0, UINT32_INITVAL, UINT32_INITVAL);
  // Seeded, the uint32 variant is by construction hash_bytes_extended over k's four
  // little-endian bytes; that path is rare (routing always uses seed 0), so reuse it.
  uint32Bytes[0] = k;
  uint32Bytes[1] = k >>> 8;
  uint32Bytes[2] = k >>> 16;
  uint32Bytes[3] = k >>> 24;
  return hashBytes(uint32Bytes, 4, seedHigh(seed), seedLow(seed));
}

/**
 * PostgreSQL's `hash_any_extended` / `hash_bytes_extended`: lookup3 over a byte string,
 * returning the 64-bit hash as a signed int8 (what SQL shows).
 *
 * @param bytes - The whole array is hashed.
 * @param seed - int8 seed; `0n` means unseeded. Taken modulo 2^64, so `-1n` and `2n ** 64n - 1n` agree.
 */
export function hashAnyExtended(bytes: Uint8Array, seed: bigint): bigint {
  return hashBytes(bytes, bytes.length, seedHigh(seed), seedLow(seed));
}

/**
 * PostgreSQL's `hash_uint32_extended` / `hash_bytes_uint32_extended`.
 *
 * @param value - Reduced modulo 2^32 (so `-1` and `0xffffffff` agree), like C's `(uint32)` cast.
 * @param seed - int8 seed; `0n` means unseeded.
 */
export function hashUint32Extended(value: number, seed: bigint): bigint {
  return hashUint32(value | 0, seed);
}

/** PostgreSQL `int8in` (v15) syntax: ASCII whitespace, optional sign, decimal digits. */
const INT8_TEXT = /^[ \t\n\v\f\r]*[+-]?[0-9]+[ \t\n\v\f\r]*$/;

/** Longest text that surely holds at most 15 digits, so `Number()` parses it exactly. */
const SHORT_INT_TEXT = 15;

/**
 * The uint32 (as int32 bits) PostgreSQL hashes for an int8: the low half XOR the high
 * half, or XOR its complement when negative (so int4-range values pass unchanged).
 */
function foldNumber(value: number): number {
  // Division by 2^32 is exact for safe integers, so floor() is the arithmetic `>> 32`;
  // `| 0` is ToInt32, i.e. modulo 2^32, which is exactly the low half.
  const hi = Math.floor(value / TWO_POW_32) | 0;
  return (value | 0) ^ (value >= 0 ? hi : ~hi);
}

function foldBigint(value: bigint): number {
  // Most keys are safe integers: one BigInt→Number conversion beats BigInt shifts/masks.
  if (value >= SAFE_MIN && value <= SAFE_MAX) return foldNumber(Number(value));
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new RangeError(`value "${value}" is out of range for type bigint`);
  }
  const lo = Number(BigInt.asIntN(32, value));
  const hi = Number(BigInt.asIntN(32, value >> 32n));
  return lo ^ (value >= 0n ? hi : ~hi);
}

function foldInt8(value: bigint | number | string): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`int8 hash key must be a safe integer, got ${value}; pass a bigint or string`);
    }
    return foldNumber(value);
  }
  if (typeof value === 'bigint') return foldBigint(value);
  if (!INT8_TEXT.test(value)) throw new TypeError(`invalid input syntax for type bigint: "${value}"`);
  // Both Number() and BigInt() accept the surrounding whitespace and sign int8in allows.
  return value.length <= SHORT_INT_TEXT ? foldNumber(Number(value)) : foldBigint(BigInt(value));
}

/**
 * Equals PostgreSQL `hashint8extended(value::int8, seed)`.
 *
 * Also equals `hashint4extended` / `hashint2extended` for every value those types can
 * hold (checked against PostgreSQL 15 for all int2 values and millions of int4 values):
 * the int8 fold leaves int4-range values unchanged, which is what makes cross-type hash
 * joins work. Note the fold means e.g. `4294967295` and `-1` hash alike; that is
 * PostgreSQL's behaviour too.
 *
 * @param value - A bigint, a safe-integer number, or decimal text as `int8in` accepts it.
 * @param seed - int8 seed; defaults to `0n` (unseeded).
 * @throws RangeError when the value is outside int8 (or an unsafe number); TypeError on bad text.
 */
export function hashInt8Extended(value: bigint | number | string, seed: bigint = 0n): bigint {
  return hashUint32(foldInt8(value), seed);
}

/** Makes sure `scratch` holds `bytes`, unless that would exceed the cap. */
function scratchFor(bytes: number): Uint8Array | undefined {
  if (bytes <= scratch.length) return scratch;
  if (bytes > MAX_SCRATCH_BYTES) return undefined;
  let size = scratch.length;
  while (size < bytes) size *= 2;
  scratch = new Uint8Array(size);
  return scratch;
}

/**
 * Encodes `value` as UTF-8 into `out`, returning the byte count. Hand-rolled because
 * `TextEncoder.encodeInto` costs more than the hash itself for typical short keys.
 * Lone surrogates become U+FFFD, as TextEncoder and Node's Buffer (hence the driver) do.
 */
function encodeUtf8(value: string, out: Uint8Array): number {
  let p = 0;
  const n = value.length;
  for (let i = 0; i < n; i++) {
    let cp = value.charCodeAt(i);
    if (cp < 0x80) {
      out[p++] = cp;
      continue;
    }
    if (cp < 0x800) {
      out[p++] = 0xc0 | (cp >> 6);
      out[p++] = 0x80 | (cp & 0x3f);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < n ? value.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        continue;
      }
      cp = 0xfffd;
    }
    out[p++] = 0xe0 | (cp >> 12);
    out[p++] = 0x80 | ((cp >> 6) & 0x3f);
    out[p++] = 0x80 | (cp & 0x3f);
  }
  return p;
}

/**
 * Equals PostgreSQL `hashtextextended(value, seed)` under a deterministic collation
 * (the default): lookup3 over the UTF-8 bytes. Assumes a UTF-8 server encoding.
 * Nondeterministic (ICU) collations hash a sort key instead and are not supported.
 * PostgreSQL text cannot contain NUL, so keys with `\0` hash here but can never be stored.
 *
 * @param seed - int8 seed; defaults to `0n` (unseeded).
 */
export function hashTextExtended(value: string, seed: bigint = 0n): bigint {
  // A UTF-16 code unit never needs more than 3 UTF-8 bytes (a pair needs 4 for 2 units).
  const out = scratchFor(value.length * 3);
  if (out === undefined) {
    // Rare huge keys: allocate once rather than pin a huge scratch buffer forever.
    const bytes = textEncoder.encode(value);
    return hashBytes(bytes, bytes.length, seedHigh(seed), seedLow(seed));
  }
  return hashBytes(out, encodeUtf8(value, out), seedHigh(seed), seedLow(seed));
}

/** ASCII code → hex digit value, -1 for anything else (`isxdigit` accepts either case). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX_VALUE[65 + i] = 10 + i;
  HEX_VALUE[97 + i] = 10 + i;
}

function hexValue(code: number): number {
  return code < 128 ? HEX_VALUE[code]! : -1;
}

function uuidSyntaxError(text: string): TypeError {
  return new TypeError(`invalid input syntax for type uuid: "${text}"`);
}

/**
 * Parses uuid text exactly as PostgreSQL's `uuid_in` does: 32 hex digits (any case),
 * an optional `-` after any group of four digits, optionally wrapped in `{}`.
 */
function parseUuid(text: string, out: Uint8Array): void {
  const n = text.length;
  let p = 0;
  const braces = n > 0 && text.charCodeAt(0) === 0x7b; // {
  if (braces) p++;
  for (let i = 0; i < 16; i++) {
    if (p + 1 >= n) throw uuidSyntaxError(text);
    const hi = hexValue(text.charCodeAt(p));
    const lo = hexValue(text.charCodeAt(p + 1));
    if ((hi | lo) < 0) throw uuidSyntaxError(text);
    out[i] = (hi << 4) | lo;
    p += 2;
    // A hyphen may follow every second byte (four hex digits), but not the last one.
    if ((i & 1) === 1 && i < 15 && p < n && text.charCodeAt(p) === 0x2d) p++;
  }
  if (braces) {
    if (p >= n || text.charCodeAt(p) !== 0x7d) throw uuidSyntaxError(text); // }
    p++;
  }
  if (p !== n) throw uuidSyntaxError(text);
}

/**
 * Equals PostgreSQL `uuid_hash_extended(value::uuid, seed)`: lookup3 over the 16 raw bytes.
 *
 * @param value - Any text `uuid_in` accepts: canonical `8-4-4-4-12` in any case,
 *   32 bare hex digits, hyphens after any 4-digit group, optional `{}`.
 * @param seed - int8 seed; defaults to `0n` (unseeded).
 * @throws TypeError when the text is not a uuid.
 */
export function uuidHashExtended(value: string, seed: bigint = 0n): bigint {
  parseUuid(value, uuidBytes);
  return hashBytes(uuidBytes, 16, seedHigh(seed), seedLow(seed));
}
