import { createHmac, timingSafeEqual } from 'node:crypto';

/** A write a session made on one shard: enough for another instance to read it back. */
export interface WriteMark {
  readonly shard: number;
  /** The shard primary's `system_identifier` and timeline when the write was made. */
  readonly systemId: string;
  readonly timeline: number;
  /** WAL position after the write (lsn mode), as `pg_lsn` text; null in window mode. */
  readonly lsn: string | null;
  /** When the write was made (ms since epoch). */
  readonly at: number;
}

export interface TokenKey {
  /** Short id written into tokens, so keys can rotate: sign with the first, accept any listed. */
  readonly id: string;
  /** At least 16 bytes; keep it out of source control. */
  readonly secret: string | Buffer;
}

export type TokenRejection = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired' | 'foreign-cluster';

export type ParsedToken =
  | { readonly ok: true; readonly issuedAt: number; readonly marks: readonly WriteMark[] }
  | { readonly ok: false; readonly reason: TokenRejection; readonly detail: string };

/** Longest token accepted: a cookie-sized bound, so garbage input costs nothing. */
export const MAX_TOKEN_LENGTH = 4096;
const KEY_ID_RE = /^[A-Za-z0-9_-]{1,16}$/;
const LSN_RE = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/;

function mac(key: TokenKey, signed: string): Buffer {
  return createHmac('sha256', key.secret).update(signed).digest();
}

/** Signs `marks` into `payload.keyId.signature` (base64url parts). */
export function signToken(marks: readonly WriteMark[], key: TokenKey, now = Date.now()): string {
  const body = [1, now, marks.map((m) => [m.shard, m.systemId, m.timeline, m.lsn, m.at])];
  const payload = Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
  const signed = `${payload}.${key.id}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

function reject(reason: TokenRejection, detail: string): ParsedToken {
  return { ok: false, reason, detail };
}

function isMark(value: unknown): value is [number, string, number, string | null, number] {
  if (!Array.isArray(value) || value.length !== 5) return false;
  const [shard, systemId, timeline, lsn, at] = value;
  return (
    Number.isInteger(shard) &&
    shard >= 0 &&
    shard < 1 << 20 &&
    typeof systemId === 'string' &&
    /^\d{1,20}$/.test(systemId) &&
    Number.isInteger(timeline) &&
    timeline > 0 &&
    (lsn === null || (typeof lsn === 'string' && LSN_RE.test(lsn))) &&
    Number.isSafeInteger(at) &&
    at > 0
  );
}

/**
 * Verifies and decodes a token. Never throws: anything from outside — truncated, tampered,
 * signed with an unknown key, expired, not JSON, wrong shapes — comes back as a rejection.
 */
export function parseToken(
  text: unknown,
  keys: readonly TokenKey[],
  maxAgeMs: number,
  now = Date.now(),
): ParsedToken {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TOKEN_LENGTH) {
    return reject('malformed', 'not a token string');
  }
  const parts = text.split('.');
  if (parts.length !== 3) return reject('malformed', 'expected three dot-separated parts');
  const [payload, keyId, signature] = parts as [string, string, string];
  if (!KEY_ID_RE.test(keyId) || !/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) {
    return reject('malformed', 'bad characters or lengths');
  }
  const key = keys.find((k) => k.id === keyId);
  if (!key) return reject('unknown-key', `no key "${keyId}" is configured`);
  const expected = mac(key, `${payload}.${keyId}`);
  const given = Buffer.from(signature, 'base64url');
  // The last base64 character carries 2 unused bits: insist on the canonical spelling, so
  // exactly one text is valid for each signature.
  const canonical = given.toString('base64url') === signature;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return reject('bad-signature', 'the signature does not match');
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return reject('malformed', 'payload is not JSON');
  }
  if (!Array.isArray(body) || body[0] !== 1 || !Number.isSafeInteger(body[1]) || !Array.isArray(body[2])) {
    return reject('malformed', 'unknown payload format');
  }
  const issuedAt = body[1] as number;
  if (now - issuedAt > maxAgeMs) return reject('expired', `issued ${now - issuedAt} ms ago`);
  const raw = body[2] as unknown[];
  if (raw.length > 1024 || !raw.every(isMark)) return reject('malformed', 'bad write marks');
  const marks = (raw as [number, string, number, string | null, number][]).map(
    ([shard, systemId, timeline, lsn, at]) => ({ shard, systemId, timeline, lsn, at }),
  );
  return { ok: true, issuedAt, marks };
}
