import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signToken } from '../../src/consistency/token.ts';
import { formatLsn, parseLsn, parseToken, type WriteMark } from '../../src/index.ts';

const KEY = { id: 'k1', secret: 'a-test-secret-of-32-bytes-length' };
const OTHER = { id: 'k2', secret: 'another-secret-of-32-bytes-long!' };
const HOUR = 3_600_000;

const mark = fc.record({
  shard: fc.integer({ min: 0, max: 1023 }),
  systemId: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }).map(String),
  timeline: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  lsn: fc.option(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(formatLsn), { nil: null }),
  at: fc.integer({ min: 1, max: 2 ** 47 }),
}) satisfies fc.Arbitrary<WriteMark>;

describe('consistency tokens', () => {
  it('round-trip: what is signed parses back to the same marks', () => {
    fc.assert(
      fc.property(fc.array(mark, { maxLength: 8 }), (marks) => {
        const token = signToken(marks, KEY, 1_000);
        expect(parseToken(token, [KEY], HOUR, 2_000)).toEqual({ ok: true, issuedAt: 1_000, marks });
        // Rotation: a verifier that knows the old key among others still accepts it.
        expect(parseToken(token, [OTHER, KEY], HOUR, 2_000).ok).toBe(true);
      }),
    );
  });

  it('rejects tampered, truncated, foreign-key and expired tokens with a reason', () => {
    const token = signToken([{ shard: 0, systemId: '7', timeline: 1, lsn: '0/16B3748', at: 5 }], KEY, 1_000);
    const [payload, keyId, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify([1, 1_000, [[0, '7', 1, 'FF/0', 5]]])).toString('base64url');
    const cases: [string, string][] = [
      [`${forged}.${keyId}.${signature}`, 'bad-signature'],
      [`${payload}.${keyId}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`, 'bad-signature'],
      [
        `${payload}.${keyId}.${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`,
        'bad-signature',
      ],
      [token.slice(0, -5), 'malformed'],
      [token.slice(0, token.length / 2), 'malformed'],
      [`${payload}.${keyId}`, 'malformed'],
      [`${payload}.nokey.${signature}`, 'unknown-key'],
      ['', 'malformed'],
    ];
    for (const [text, reason] of cases)
      expect(parseToken(text, [KEY], HOUR, 2_000)).toMatchObject({ ok: false, reason });
    expect(parseToken(token, [OTHER], HOUR, 2_000)).toMatchObject({ ok: false, reason: 'unknown-key' });
    expect(parseToken(token, [KEY], HOUR, 1_000 + HOUR + 1)).toMatchObject({ ok: false, reason: 'expired' });
    expect(parseToken(12 as unknown as string, [KEY], HOUR)).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('fuzz: the parser never throws and accepts only genuine tokens', () => {
    const genuine = signToken([{ shard: 1, systemId: '42', timeline: 2, lsn: '1/0', at: 9 }], KEY, 1_000);
    const anyText = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.base64String({ maxLength: 300 }).map((b) => `${b}.k1.${b}`),
      // Mutations of a genuine token: flip, drop or insert one character.
      fc
        .tuple(
          fc.nat(genuine.length - 1),
          fc.string({ minLength: 1, maxLength: 1 }),
          fc.constantFrom('flip', 'drop', 'insert'),
        )
        .map(([i, c, op]) =>
          op === 'drop'
            ? genuine.slice(0, i) + genuine.slice(i + 1)
            : op === 'insert'
              ? genuine.slice(0, i) + c + genuine.slice(i)
              : genuine.slice(0, i) + (genuine[i] === c ? `${c}x` : c) + genuine.slice(i + 1),
        ),
      // Validly signed payloads of arbitrary JSON: shape errors must be rejections too.
      fc.jsonValue().map((value) => {
        const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
        const sig = createHmac('sha256', KEY.secret).update(`${payload}.k1`).digest('base64url');
        return `${payload}.k1.${sig}`;
      }),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseToken(text, [KEY], HOUR, 2_000);
        if (result.ok) expect(text).toBe(genuine);
        else expect(['malformed', 'unknown-key', 'bad-signature', 'expired']).toContain(result.reason);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('WAL positions', () => {
  it('format and parse are inverse, and order is numeric', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (a, b) => {
          expect(parseLsn(formatLsn(a))).toBe(a);
          expect(parseLsn(formatLsn(a))! < parseLsn(formatLsn(b))!).toBe(a < b);
        },
      ),
    );
    for (const bad of ['', '1/', '/1', 'G/1', '123456789/0', null, 5]) expect(parseLsn(bad)).toBeUndefined();
  });
});
