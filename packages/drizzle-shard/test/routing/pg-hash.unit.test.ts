import { describe, expect, it } from 'vitest';
import { bucketOfHash, bucketSql, DEFAULT_BUCKET_COUNT, hashSqlFor } from '../../src/routing/buckets.ts';
import {
  hashAnyExtended,
  hashInt8Extended,
  hashTextExtended,
  hashUint32Extended,
  uuidHashExtended,
} from '../../src/routing/pg-hash.ts';

// Every expected value below was read from a live PostgreSQL 15.18 (x86_64, UTF8, collation C);
// the query that produced each table is given above it.

// select x, s, hashint8extended(x::int8, s) from (values ...) v(x), (values (0), (-1), (6148914691236517205)) w(s)
const INT8_VECTORS: ReadonlyArray<readonly [bigint, bigint, bigint]> = [
  [-9223372036854775808n, 6148914691236517205n, 5645397816039326874n],
  [-987654321987654321n, 6148914691236517205n, -8733965335218811204n],
  [-9007199254740991n, 6148914691236517205n, 7589049439791171803n],
  [-2147483649n, 6148914691236517205n, 5645397816039326874n],
  [-2147483648n, 6148914691236517205n, -4806914783682611719n],
  [-42n, 6148914691236517205n, 2583673362506015539n],
  [-1n, 6148914691236517205n, 4188225271517992499n],
  [0n, 6148914691236517205n, -6406935683118103317n],
  [1n, 6148914691236517205n, 1124466615707100813n],
  [42n, 6148914691236517205n, 5066468785040833295n],
  [2147483647n, 6148914691236517205n, 5645397816039326874n],
  [2147483648n, 6148914691236517205n, -4806914783682611719n],
  [4294967295n, 6148914691236517205n, 4188225271517992499n],
  [4294967296n, 6148914691236517205n, 1124466615707100813n],
  [9007199254740991n, 6148914691236517205n, -3134171864321947836n],
  [9007199254740992n, 6148914691236517205n, -8873977659630579487n],
  [1234567890123456789n, 6148914691236517205n, 6811400219749654866n],
  [9223372036854775807n, 6148914691236517205n, -4806914783682611719n],
  [-9223372036854775808n, 0n, -9109110466470504941n],
  [-987654321987654321n, 0n, 8151310704239259707n],
  [-9007199254740991n, 0n, 1593960287206629243n],
  [-2147483649n, 0n, -9109110466470504941n],
  [-2147483648n, 0n, 1977219185673256887n],
  [-42n, 0n, 8809670066178192187n],
  [-1n, 0n, -1888257769727981238n],
  [0n, 0n, 4154612158245552303n],
  [1n, 0n, -3670598878359251130n],
  [42n, 0n, 8010225493015854792n],
  [2147483647n, 0n, -9109110466470504941n],
  [2147483648n, 0n, 1977219185673256887n],
  [4294967295n, 0n, -1888257769727981238n],
  [4294967296n, 0n, -3670598878359251130n],
  [9007199254740991n, 0n, -4068522208523079843n],
  [9007199254740992n, 0n, 4573673990631680795n],
  [1234567890123456789n, 0n, -1348933112428498873n],
  [9223372036854775807n, 0n, 1977219185673256887n],
  [-9223372036854775808n, -1n, 8384907054876656385n],
  [-987654321987654321n, -1n, 5699023762811339965n],
  [-9007199254740991n, -1n, 2508772980549627593n],
  [-2147483649n, -1n, 8384907054876656385n],
  [-2147483648n, -1n, 6110074166949006181n],
  [-42n, -1n, 8355049244265804908n],
  [-1n, -1n, 6481520839006961279n],
  [0n, -1n, -4140905993450701875n],
  [1n, -1n, 1505930170527472848n],
  [42n, -1n, -6198169983862266934n],
  [2147483647n, -1n, 8384907054876656385n],
  [2147483648n, -1n, 6110074166949006181n],
  [4294967295n, -1n, 6481520839006961279n],
  [4294967296n, -1n, 1505930170527472848n],
  [9007199254740991n, -1n, -492868751543022407n],
  [9007199254740992n, -1n, -153735104866163485n],
  [1234567890123456789n, -1n, 3209663503856228607n],
  [9223372036854775807n, -1n, 6110074166949006181n],
];

const PANGRAM = 'The quick brown fox jumps over the lazy dog!';

// select n, hashtextextended(left(PANGRAM, n), 0), hashtextextended(left(PANGRAM, n), 7) from generate_series(0, 40) n
// Lengths 0..40 cover every tail length (0..11) of lookup3's 12-byte blocks, with 0 to 3 full blocks.
const PANGRAM_PREFIX_VECTORS: ReadonlyArray<readonly [number, bigint, bigint]> = [
  [0, -6939563903564495251n, 2755504096093790112n],
  [1, -1338225982912146468n, 8398198231795110791n],
  [2, 5593687159563776749n, 890979002607930987n],
  [3, -7897229297791927534n, -8028840537538379733n],
  [4, 1214481609633084541n, -5891708137389132470n],
  [5, -985326184270896746n, 6916007834298194124n],
  [6, 3470145380339167397n, -1540466427327923364n],
  [7, -2752675330521770124n, -991636088251160605n],
  [8, -1544529330263215465n, -7705186124798401100n],
  [9, -3165377590426475634n, 1553223320899738124n],
  [10, 6613948839295992241n, 1228736733502587421n],
  [11, 2869438648668390509n, 6257085779044288850n],
  [12, -9210305663925663560n, -3478842448819872694n],
  [13, -3863872140344080773n, -7135618210658309320n],
  [14, -2703303883130605159n, 3205357788497695002n],
  [15, 130785500723762325n, -5234519710900569383n],
  [16, -7818762430148052278n, -5788718249962278143n],
  [17, 3451059601990827723n, -7280367863750268653n],
  [18, 1859349653040336744n, 3469838976617695697n],
  [19, 6377859067987231983n, 520350234500306644n],
  [20, 1395817125874287870n, 7712799025164505801n],
  [21, 4382656982158088131n, -7650141672225053685n],
  [22, -8173415927686238050n, 1662379025900209184n],
  [23, -6349138520123274615n, -2089850802484545230n],
  [24, 8360766130984247540n, 28292340833360485n],
  [25, -6568008242738964476n, -9059105866296160403n],
  [26, -8510399028364357311n, 6051041751106522523n],
  [27, -5983171337440081292n, -8418293720825863120n],
  [28, 4650743464175597606n, 4665998318953471321n],
  [29, 4922972945882926808n, 8066754335746380682n],
  [30, -2952746244513659538n, 2345478244311817256n],
  [31, 240566037469194709n, 4658034074533569195n],
  [32, 936837974110797635n, -765953608629644036n],
  [33, -3200491468863373810n, 524974997399174886n],
  [34, -6696201807748526001n, 5084806196737262210n],
  [35, -5603389817488540983n, 5797092924414574052n],
  [36, 5172465187460571644n, 4067058059914208573n],
  [37, -6341692122201812976n, -3107539554176403456n],
  [38, -1165991950917522782n, 7148060274030434523n],
  [39, 7590948603917656586n, -148147365241403508n],
  [40, -4847668724781447815n, -4900922773670046993n],
];

const MULTIBYTE = 'äöü漢字😀ñ€ßçé';

// select n, hashtextextended(left(MULTIBYTE, n), 0) from generate_series(0, 11) n  (n counts code points)
const MULTIBYTE_PREFIX_VECTORS: ReadonlyArray<readonly [number, bigint]> = [
  [0, -6939563903564495251n],
  [1, 727577435721441419n],
  [2, -8281748765538926390n],
  [3, 4648898547230771905n],
  [4, 3190642096488805924n],
  [5, 8929361002471774569n],
  [6, 2476953350865019701n],
  [7, 812411493199404550n],
  [8, 1692069159370352335n],
  [9, -4958519979300893014n],
  [10, -5309376088322841651n],
  [11, -1947176634964808779n],
];

// select x, hashtextextended(x, 0), hashtextextended(x, -1) from (values ...) v(x)
const TEXT_VECTORS: ReadonlyArray<readonly [string, bigint, bigint]> = [
  ['', -6939563903564495251n, -5142811166230430645n],
  ['a', 3591986179850072241n, 8688456822845412000n],
  ['hello', 3449563369152288809n, 3444675288696985985n],
  ['😀', -9149796522330800166n, -3491905906943077388n],
  ['漢字', 5510981731381295353n, 4964073816451019375n],
  ['日本語のテキスト', -4412647243937365494n, -7651481189042277390n],
  [
    '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}' /* family emoji, ZWJ-joined */,
    -1741539813767467067n,
    -6465394090453831804n,
  ],
  ['Zürich', 6325084439750968862n, 8184165699133790066n],
];

// select x, uuid_hash_extended(x::uuid, 0), uuid_hash_extended(x::uuid, 42) from (values ...) v(x)
const UUID_VECTORS: ReadonlyArray<readonly [string, bigint, bigint]> = [
  ['00000000-0000-0000-0000-000000000000', -6859010066814654381n, -3882004234363783809n],
  ['ffffffff-ffff-ffff-ffff-ffffffffffff', 293445543803463785n, -6666173708135232559n],
  ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 7543054272012930821n, -2994642859040156162n],
  ['123e4567-e89b-12d3-a456-426614174000', -1647950126005018481n, 6754474498886723631n],
  ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', -7660212938568749411n, 467527713959972460n],
];

// select x, hashoidextended(x::oid, 0), hashoidextended(x::oid, 12345): oids go straight to hash_uint32_extended.
const UINT32_VECTORS: ReadonlyArray<readonly [number, bigint, bigint]> = [
  [0, 4154612158245552303n, -8705641739093113507n],
  [1, -3670598878359251130n, 7674959907070967340n],
  [4294967295, -1888257769727981238n, 2696712495509398359n],
  [2147483648, 1977219185673256887n, 960022912560034260n],
  [3735928559, 7790649836282294778n, -1251850049475679067n],
];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Code-point prefix, matching SQL `left(text, n)`. */
function leftCodePoints(text: string, n: number): string {
  return Array.from(text).slice(0, n).join('');
}

describe('hashInt8Extended', () => {
  it.each(INT8_VECTORS)('hashint8extended(%s, %s) = %s', (value, seed, expected) => {
    expect(hashInt8Extended(value, seed)).toBe(expected);
    expect(hashInt8Extended(String(value), seed)).toBe(expected);
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      expect(hashInt8Extended(Number(value), seed)).toBe(expected);
    }
  });

  it('defaults to seed 0', () => {
    expect(hashInt8Extended(0)).toBe(4154612158245552303n);
    expect(hashInt8Extended(-1)).toBe(-1888257769727981238n);
    expect(hashInt8Extended(INT64_MIN)).toBe(-9109110466470504941n);
    expect(hashInt8Extended(INT64_MAX)).toBe(1977219185673256887n);
  });

  it('folds the high half into the low half, so some int8 values collide (as in PostgreSQL)', () => {
    expect(hashInt8Extended(4294967295n)).toBe(hashInt8Extended(-1n));
    expect(hashInt8Extended(4294967296n)).toBe(hashInt8Extended(1n));
    expect(hashInt8Extended(INT64_MIN)).toBe(hashInt8Extended(2147483647n));
  });

  it('treats -0 as 0', () => {
    expect(hashInt8Extended(-0)).toBe(hashInt8Extended(0));
  });

  it('accepts text as int8in does: surrounding whitespace, sign, leading zeros', () => {
    expect(hashInt8Extended(' -42 ')).toBe(hashInt8Extended(-42));
    expect(hashInt8Extended('+42')).toBe(hashInt8Extended(42));
    expect(hashInt8Extended('\t0042\n')).toBe(hashInt8Extended(42));
    expect(hashInt8Extended('-0009223372036854775808')).toBe(hashInt8Extended(INT64_MIN));
  });

  it('treats seeds modulo 2^64', () => {
    expect(hashInt8Extended(1, 2n ** 64n - 1n)).toBe(hashInt8Extended(1, -1n));
    expect(hashInt8Extended(1, 2n ** 64n)).toBe(hashInt8Extended(1, 0n));
  });

  it('rejects values outside int8 and unsafe numbers', () => {
    expect(() => hashInt8Extended(INT64_MAX + 1n)).toThrow(RangeError);
    expect(() => hashInt8Extended(INT64_MIN - 1n)).toThrow(RangeError);
    expect(() => hashInt8Extended('9223372036854775808')).toThrow(RangeError);
    expect(() => hashInt8Extended(2 ** 53)).toThrow(RangeError);
    expect(() => hashInt8Extended(1.5)).toThrow(RangeError);
    expect(() => hashInt8Extended(Number.NaN)).toThrow(RangeError);
  });

  it('rejects text int8in rejects', () => {
    for (const bad of ['', ' ', 'abc', '1.0', '0x10', '1_000', '1e3', '--1', '１２']) {
      expect(() => hashInt8Extended(bad), bad).toThrow(TypeError);
    }
  });
});

describe('hashUint32Extended', () => {
  it.each(UINT32_VECTORS)('hash_uint32_extended(%s) = %s / seed 12345 = %s', (value, unseeded, seeded) => {
    expect(hashUint32Extended(value, 0n)).toBe(unseeded);
    expect(hashUint32Extended(value, 12345n)).toBe(seeded);
  });

  it('takes the value modulo 2^32 like a C (uint32) cast', () => {
    expect(hashUint32Extended(-1, 0n)).toBe(hashUint32Extended(4294967295, 0n));
    expect(hashUint32Extended(4294967296 + 7, 5n)).toBe(hashUint32Extended(7, 5n));
  });
});

describe('hashTextExtended', () => {
  it.each(PANGRAM_PREFIX_VECTORS)('prefix of length %s', (n, unseeded, seeded) => {
    const text = PANGRAM.slice(0, n);
    expect(hashTextExtended(text)).toBe(unseeded);
    expect(hashTextExtended(text, 7n)).toBe(seeded);
  });

  it.each(MULTIBYTE_PREFIX_VECTORS)('multi-byte prefix of %s code points', (n, expected) => {
    expect(hashTextExtended(leftCodePoints(MULTIBYTE, n))).toBe(expected);
  });

  it.each(TEXT_VECTORS)('hashtextextended(%j)', (text, unseeded, seededMinusOne) => {
    expect(hashTextExtended(text)).toBe(unseeded);
    expect(hashTextExtended(text, 0n)).toBe(unseeded);
    expect(hashTextExtended(text, -1n)).toBe(seededMinusOne);
  });

  it('hashes the UTF-8 bytes, the same as hashAnyExtended over TextEncoder output', () => {
    const encoder = new TextEncoder();
    for (const text of ['', 'x', MULTIBYTE, PANGRAM.repeat(5), '\u{10FFFF}\u{10000}\u07FF\u0800']) {
      expect(hashTextExtended(text, 3n)).toBe(hashAnyExtended(encoder.encode(text), 3n));
    }
  });

  it('encodes lone surrogates as U+FFFD, as the driver (Node Buffer) does', () => {
    expect(hashTextExtended('\uD800')).toBe(hashTextExtended('\uFFFD'));
    expect(hashTextExtended('a\uDC00b')).toBe(hashTextExtended('a\uFFFDb'));
    expect(hashTextExtended('\uD83D')).toBe(hashTextExtended('\uFFFD'));
  });

  it('handles keys larger than the reusable scratch buffer', () => {
    const huge = `${'漢'.repeat(30_000)}😀`;
    expect(hashTextExtended(huge)).toBe(hashAnyExtended(new TextEncoder().encode(huge), 0n));
    // And the scratch path still works afterwards.
    expect(hashTextExtended('hello')).toBe(3449563369152288809n);
  });
});

describe('uuidHashExtended', () => {
  it.each(UUID_VECTORS)('uuid_hash_extended(%s)', (uuid, unseeded, seeded) => {
    expect(uuidHashExtended(uuid)).toBe(unseeded);
    expect(uuidHashExtended(uuid, 42n)).toBe(seeded);
    expect(uuidHashExtended(uuid.toUpperCase())).toBe(unseeded);
  });

  it('accepts every spelling uuid_in accepts', () => {
    const expected = 7543054272012930821n; // a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11
    for (const spelling of [
      'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
      'a0eebc999c0b4ef8bb6d6bb9bd380a11',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      '{A0EEBC999C0B4EF8BB6D6BB9BD380A11}',
      'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11',
      'a0eeBC99-9c0b4ef8-bb6d6bb9-bd380a11',
    ]) {
      expect(uuidHashExtended(spelling), spelling).toBe(expected);
    }
  });

  it('rejects what uuid_in rejects', () => {
    for (const bad of [
      '',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111',
      '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-',
      'a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11',
      'a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11',
      'g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      ' a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 ',
      '-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      '{-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}',
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1١',
    ]) {
      expect(() => uuidHashExtended(bad), bad).toThrow(TypeError);
    }
  });
});

describe('hashAnyExtended', () => {
  it('matches PostgreSQL over raw bytes (uuid bytes are hashed as-is)', () => {
    expect(hashAnyExtended(new Uint8Array(16), 0n)).toBe(-6859010066814654381n);
    expect(hashAnyExtended(new Uint8Array(16).fill(0xff), 0n)).toBe(293445543803463785n);
    expect(hashAnyExtended(new Uint8Array(16).fill(0xff), 42n)).toBe(-6666173708135232559n);
    expect(hashAnyExtended(new Uint8Array(0), 0n)).toBe(-6939563903564495251n);
  });

  it('hashes exactly the view it is given', () => {
    const backing = new TextEncoder().encode('xxhelloxx');
    expect(hashAnyExtended(backing.subarray(2, 7), 0n)).toBe(3449563369152288809n);
  });
});

describe('buckets', () => {
  // select h, (((h) % 4096) + 4096) % 4096, (((h) % 1000) + 1000) % 1000 for hashint8extended(0 | 1 | -1 | 42, 0)
  it.each([
    [4154612158245552303n, 175, 303],
    [-3670598878359251130n, 1862, 870],
    [-1888257769727981238n, 2378, 762],
    [8010225493015854792n, 3784, 792],
  ])('bucketOfHash(%s)', (hash, of4096, of1000) => {
    expect(bucketOfHash(hash, DEFAULT_BUCKET_COUNT)).toBe(of4096);
    expect(bucketOfHash(hash, 1000)).toBe(of1000);
  });

  it('is the non-negative remainder for both power-of-two and other bucket counts', () => {
    const hashes = [0n, 1n, -1n, INT64_MIN, INT64_MAX, -4096n, 4095n, -4097n, 123456789123n, -987654321987n];
    for (const count of [1, 2, 3, 7, 1000, 4096, 65536, 2147483647]) {
      for (const hash of hashes) {
        const b = BigInt(count);
        const expected = Number(((hash % b) + b) % b);
        expect(bucketOfHash(hash, count), `${hash} % ${count}`).toBe(expected);
      }
    }
    expect(bucketOfHash(-1n, 4096)).toBe(4095);
    expect(bucketOfHash(INT64_MIN, 4096)).toBe(0);
  });

  it('rejects invalid bucket counts', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => bucketOfHash(1n, bad)).toThrow(RangeError);
      expect(() => bucketSql('h', bad)).toThrow(RangeError);
    }
  });

  it('renders SQL', () => {
    expect(DEFAULT_BUCKET_COUNT).toBe(4096);
    expect(bucketSql('hashint8extended((id)::int8, 0)', 4096)).toBe(
      '(((hashint8extended((id)::int8, 0)) % 4096) + 4096) % 4096',
    );
    expect(hashSqlFor('int', '"orders"."id"')).toBe('hashint8extended(("orders"."id")::int8, 0)');
    expect(hashSqlFor('text', 'email')).toBe('hashtextextended((email)::text, 0)');
    expect(hashSqlFor('uuid', '$1')).toBe('uuid_hash_extended(($1)::uuid, 0)');
  });
});
