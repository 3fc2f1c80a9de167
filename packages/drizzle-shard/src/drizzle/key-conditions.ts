import type { Column, SQL } from 'drizzle-orm';
import { booleanOperands, type RoutingValue, routingValueOf, type Token, tokensOf } from './sql-tokens.ts';

/**
 * The key values a condition pins a row to: `eq(key, v)` → [v]; `inArray(key, [a, b])` →
 * [a, b]; `and(...)` → the most selective pinned operand; `or(...)` → the union when every
 * branch is pinned. `undefined` when the condition does not pin the key (a fan-out).
 */
export function pinnedKeyValues(
  where: SQL | undefined,
  isKey: (column: Column) => boolean,
): RoutingValue[] | undefined {
  if (!where) return undefined;
  const tokens = tokensOf(where);
  const bool = booleanOperands(tokens);
  if (bool?.op === 'and') {
    let best: RoutingValue[] | undefined;
    for (const operand of bool.operands) {
      const pinned = pinnedKeyValues(operand, isKey);
      if (pinned && (!best || pinned.length < best.length)) best = pinned;
    }
    return best;
  }
  if (bool?.op === 'or') {
    const all: RoutingValue[] = [];
    for (const operand of bool.operands) {
      const pinned = pinnedKeyValues(operand, isKey);
      if (!pinned) return undefined;
      all.push(...pinned);
    }
    return all;
  }
  return comparison(tokens, isKey);
}

function comparison(
  tokens: readonly Token[],
  isKey: (column: Column) => boolean,
): RoutingValue[] | undefined {
  if (tokens.length !== 3) return undefined;
  const [left, op, right] = tokens;
  if (op?.t !== 'text') return undefined;
  if (op.s === '=') {
    if (left?.t === 'column' && isKey(left.column) && right?.t === 'value') return [right.value];
    if (right?.t === 'column' && isKey(right.column) && left?.t === 'value') return [left.value];
  }
  if (op.s === 'in' && left?.t === 'column' && isKey(left.column) && right?.t === 'list') {
    const values = right.items.map(routingValueOf);
    if (values.every((v) => v !== undefined)) return values as RoutingValue[];
  }
  return undefined;
}

/** Column = column pairs among the AND-ed parts of a condition (join colocation). */
export function columnEqualities(condition: SQL | undefined): Array<[Column, Column]> {
  if (!condition) return [];
  const tokens = tokensOf(condition);
  const bool = booleanOperands(tokens);
  if (bool?.op === 'and') return bool.operands.flatMap(columnEqualities);
  const [left, op, right] = tokens;
  if (
    tokens.length === 3 &&
    left?.t === 'column' &&
    op?.t === 'text' &&
    op.s === '=' &&
    right?.t === 'column'
  ) {
    return [[left.column, right.column]];
  }
  return [];
}
