import { describe, expect, it } from 'vitest';
import {
  addDecimal,
  compareDecimal,
  divideDecimal,
  normalizeDecimal,
  parseDecimal,
} from '../../src/fanout/decimal.ts';
import { FanoutMergeError } from '../../src/fanout/errors.ts';

describe('addDecimal', () => {
  it('adds int8 strings beyond 2^53 exactly', () => {
    expect(addDecimal('9007199254740993', '1')).toBe('9007199254740994');
    expect(addDecimal('9223372036854775807', '9223372036854775807')).toBe('18446744073709551614');
    expect(addDecimal('-9223372036854775808', '9223372036854775807')).toBe('-1');
  });

  it('keeps the larger scale, like numeric addition', () => {
    expect(addDecimal('1.5', '2.25')).toBe('3.75');
    expect(addDecimal('1.50', '1')).toBe('2.50');
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('12.5000000000000000', '0')).toBe('12.5000000000000000');
  });

  it('handles signs and results between -1 and 1', () => {
    expect(addDecimal('1.5', '-2.25')).toBe('-0.75');
    expect(addDecimal('-0.05', '0.04')).toBe('-0.01');
    expect(addDecimal('-1.00', '1.00')).toBe('0.00');
  });

  it('propagates NaN and infinities like PostgreSQL', () => {
    expect(addDecimal('NaN', '1')).toBe('NaN');
    expect(addDecimal('1', 'NaN')).toBe('NaN');
    expect(addDecimal('Infinity', '5')).toBe('Infinity');
    expect(addDecimal('-Infinity', '-Infinity')).toBe('-Infinity');
    expect(addDecimal('Infinity', '-Infinity')).toBe('NaN');
  });

  it('accepts exponent notation from JS numbers', () => {
    expect(addDecimal('1e-7', '0')).toBe('0.0000001');
    expect(addDecimal('1.5e3', '1')).toBe('1501');
  });

  it('rejects text that is not a decimal', () => {
    for (const bad of ['', '.', '-', 'abc', '1.2.3', '1,5', ' 1']) {
      expect(() => addDecimal(bad, '1')).toThrow(FanoutMergeError);
    }
  });
});

describe('divideDecimal', () => {
  it('rounds half away from zero', () => {
    expect(divideDecimal('10', '4', 0)).toBe('3');
    expect(divideDecimal('-10', '4', 0)).toBe('-3');
    expect(divideDecimal('10', '-4', 0)).toBe('-3');
    expect(divideDecimal('2', '3', 2)).toBe('0.67');
    expect(divideDecimal('-2', '3', 2)).toBe('-0.67');
    expect(divideDecimal('1', '8', 2)).toBe('0.13');
  });

  it('produces avg-like output with 16 decimals', () => {
    expect(divideDecimal('3', '2', 16)).toBe('1.5000000000000000');
    expect(divideDecimal('1', '3', 16)).toBe('0.3333333333333333');
    expect(divideDecimal('123456789012345678901234567890', '10', 1)).toBe('12345678901234567890123456789.0');
  });

  it('handles operands of different scales', () => {
    expect(divideDecimal('1.5', '0.25', 3)).toBe('6.000');
    expect(divideDecimal('0.001', '1000', 6)).toBe('0.000001');
    expect(divideDecimal('0.0004', '1', 3)).toBe('0.000');
    expect(divideDecimal('-0.0005', '1', 3)).toBe('-0.001');
  });

  it('handles NaN, infinities and division by zero', () => {
    expect(divideDecimal('NaN', '3', 2)).toBe('NaN');
    expect(divideDecimal('Infinity', '-2', 2)).toBe('-Infinity');
    expect(divideDecimal('5', 'Infinity', 2)).toBe('0.00');
    expect(divideDecimal('Infinity', 'Infinity', 2)).toBe('NaN');
    expect(() => divideDecimal('1', '0.00', 2)).toThrow(FanoutMergeError);
    expect(() => divideDecimal('1', '2', -1)).toThrow(FanoutMergeError);
    expect(() => divideDecimal('1', '2', 1.5)).toThrow(FanoutMergeError);
  });
});

describe('compareDecimal', () => {
  it('compares exactly across scales and beyond 2^53', () => {
    expect(compareDecimal('1.0', '1.00')).toBe(0);
    expect(compareDecimal('9007199254740993', '9007199254740992')).toBe(1);
    expect(compareDecimal('-0.5', '-0.25')).toBe(-1);
    expect(compareDecimal('10', '9.999999999999999999')).toBe(1);
  });

  it('sorts NaN above everything and infinities around finite values', () => {
    expect(compareDecimal('NaN', 'Infinity')).toBe(1);
    expect(compareDecimal('NaN', 'NaN')).toBe(0);
    expect(compareDecimal('Infinity', '1e300')).toBe(1);
    expect(compareDecimal('-Infinity', '-1e300')).toBe(-1);
  });
});

describe('normalizeDecimal / parseDecimal', () => {
  it('gives one spelling per value', () => {
    expect(normalizeDecimal('1.00')).toBe('1');
    expect(normalizeDecimal('1.50')).toBe('1.5');
    expect(normalizeDecimal('-0.0')).toBe('0');
    expect(normalizeDecimal('0010')).toBe('10');
    expect(normalizeDecimal('nan')).toBe('NaN');
  });

  it('parses into unscaled value and scale', () => {
    expect(parseDecimal('-12.50')).toEqual({ unscaled: -1250n, scale: 2 });
    expect(parseDecimal('-Infinity')).toEqual({ special: '-Infinity' });
  });
});
