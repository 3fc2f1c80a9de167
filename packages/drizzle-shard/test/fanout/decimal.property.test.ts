import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, compareDecimal, divideDecimal, normalizeDecimal } from '../../src/fanout/decimal.ts';
import { finiteNumericArb, printDecimal } from './fixtures.ts';

/** Reference: a/b rounded half away from zero, via sign and magnitudes on plain bigints. */
function roundedQuotient(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

describe('decimal arithmetic (property)', () => {
  it('addDecimal is exact with the larger scale', () => {
    fc.assert(
      fc.property(finiteNumericArb, finiteNumericArb, (a, b) => {
        const scale = Math.max(a.scale, b.scale);
        const expected =
          a.unscaled * 10n ** BigInt(scale - a.scale) + b.unscaled * 10n ** BigInt(scale - b.scale);
        expect(addDecimal(printDecimal(a.unscaled, a.scale), printDecimal(b.unscaled, b.scale))).toBe(
          printDecimal(expected, scale),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('divideDecimal rounds half away from zero at the requested scale', () => {
    fc.assert(
      fc.property(
        finiteNumericArb,
        finiteNumericArb.filter((b) => b.unscaled !== 0n),
        fc.nat(20),
        (a, b, scale) => {
          // (ua / 10^sa) / (ub / 10^sb) * 10^scale = ua * 10^(sb + scale) / (ub * 10^sa)
          const expected = roundedQuotient(
            a.unscaled * 10n ** BigInt(b.scale + scale),
            b.unscaled * 10n ** BigInt(a.scale),
          );
          expect(
            divideDecimal(printDecimal(a.unscaled, a.scale), printDecimal(b.unscaled, b.scale), scale),
          ).toBe(printDecimal(expected, scale));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('normalizeDecimal keeps the value and equal values share one spelling', () => {
    fc.assert(
      fc.property(finiteNumericArb, finiteNumericArb, (a, b) => {
        const x = printDecimal(a.unscaled, a.scale);
        const y = printDecimal(b.unscaled, b.scale);
        expect(compareDecimal(normalizeDecimal(x), x)).toBe(0);
        expect(normalizeDecimal(x) === normalizeDecimal(y)).toBe(compareDecimal(x, y) === 0);
      }),
      { numRuns: 500 },
    );
  });
});
