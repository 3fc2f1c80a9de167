import { Column, is, SQL } from 'drizzle-orm';
import type { ResultCast } from '../fanout/result-cast.ts';
import type { ValueKind } from '../fanout/value-kind.ts';
import { tokensOf } from './sql-tokens.ts';

export type AggregateKind = 'count' | 'sum' | 'min' | 'max' | 'avg';

/** The SQL expression behind a selected field (`sql\`…\`.as('x')` is SQL.Aliased). */
export function expressionOf(field: unknown): unknown {
  return is(field, SQL.Aliased) ? field.sql : field;
}

/** `count(…)`, `sum(…)`, … as drizzle's aggregate helpers (and hand-written sql) render them. */
export function aggregateOf(field: unknown): { kind: AggregateKind; argument: unknown } | undefined {
  const expr = expressionOf(field);
  if (!is(expr, SQL)) return undefined;
  const tokens = tokensOf(expr);
  const head = tokens[0];
  if (head?.t !== 'text') return undefined;
  const match = /^(count|sum|min|max|avg)\(/.exec(head.s);
  if (!match) return undefined;
  const argument = tokens.length === 3 && tokens[1]?.t === 'column' ? tokens[1].column : undefined;
  return { kind: match[1] as AggregateKind, argument };
}

/** How postgres.js hands back values of a column's SQL type (drizzle's parsers installed). */
export function kindOfColumn(column: Column): ValueKind {
  const type = column.getSQLType().toLowerCase();
  if (/^(integer|smallint|real|double precision|serial|smallserial)/.test(type)) return 'number';
  if (/^(bigint|bigserial)/.test(type)) return 'int8';
  if (/^(numeric|decimal)/.test(type)) return 'numeric';
  if (/^(timestamp|date|time|interval)/.test(type)) return 'timestamp';
  if (type === 'boolean') return 'boolean';
  if (type === 'uuid') return 'uuid';
  if (/^(text|varchar|character|char)/.test(type)) return 'text';
  return 'unknown';
}

/** Value kind of any selected field or ORDER BY expression. */
export function kindOfField(field: unknown): ValueKind {
  const expr = expressionOf(field);
  if (is(expr, Column)) return kindOfColumn(expr);
  const aggregate = aggregateOf(expr);
  if (!aggregate) return 'unknown';
  if (aggregate.kind === 'count') return 'int8';
  if (aggregate.kind === 'sum' || aggregate.kind === 'avg') return 'numeric';
  return is(aggregate.argument, Column) ? kindOfColumn(aggregate.argument) : 'unknown';
}

const CAST = /\)\s*::\s*([a-z][a-z0-9 ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i;
const INTEGER_TYPES = new Set(['int2', 'smallint', 'int4', 'int', 'integer', 'int8', 'bigint']);
const FLOAT_TYPES = new Set(['float8', 'double precision', 'float']);

/**
 * The cast written right after an aggregate (`sum(x)::int`), from the aggregate's last text:
 * `undefined` without one, `unsupported` for a type the merge cannot reproduce exactly.
 */
export function aggregateCastOf(field: unknown): ResultCast | undefined | 'unsupported' {
  const expr = expressionOf(field);
  if (!is(expr, SQL)) return undefined;
  const tail = tokensOf(expr).at(-1);
  if (tail?.t !== 'text' || !tail.s.includes('::')) return undefined;
  const m = CAST.exec(tail.s);
  if (!m) return 'unsupported';
  const type = m[1]!.toLowerCase();
  if (INTEGER_TYPES.has(type)) return { scale: 0 };
  if (FLOAT_TYPES.has(type)) return {};
  if (type === 'float4' || type === 'real') return { float4: true };
  if (type === 'numeric' || type === 'decimal') return m[2] === undefined ? {} : { scale: Number(m[3] ?? 0) };
  return 'unsupported';
}
