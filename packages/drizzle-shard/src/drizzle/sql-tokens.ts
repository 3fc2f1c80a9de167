import { Column, entityKind, is, Param, Placeholder, SQL, StringChunk } from 'drizzle-orm';

/** A value a routing decision depends on: known now, or a placeholder filled at execute time. */
export type RoutingValue = { readonly value: unknown } | { readonly placeholder: string };

/** The shapes of an SQL chunk that routing cares about; everything else is `other`. */
export type Token =
  | { readonly t: 'text'; readonly s: string }
  | { readonly t: 'column'; readonly column: Column }
  | { readonly t: 'value'; readonly value: RoutingValue }
  | { readonly t: 'list'; readonly items: readonly unknown[] }
  | { readonly t: 'sql'; readonly sql: SQL }
  | { readonly t: 'other' };

/** A chunk as a value, when it is one (`Param`, `Placeholder`). */
export function routingValueOf(chunk: unknown): RoutingValue | undefined {
  if (is(chunk, Param)) return { value: chunk.value };
  if (is(chunk, Placeholder)) return { placeholder: chunk.name };
  return undefined;
}

function tokenOf(chunk: unknown): Token | undefined {
  // instanceof first: drizzle's is() walks the class chain on every miss, which made
  // routing cost as much as building the query. is() stays as the fallback for entities
  // from another copy of drizzle-orm (instanceof misses those).
  if (chunk instanceof StringChunk) return textToken(chunk);
  if (chunk instanceof SQL) return { t: 'sql', sql: chunk };
  if (chunk instanceof Column) return { t: 'column', column: chunk };
  if (chunk instanceof Param) return { t: 'value', value: { value: chunk.value } };
  if (chunk instanceof Placeholder) return { t: 'value', value: { placeholder: chunk.name } };
  if (Array.isArray(chunk)) return { t: 'list', items: chunk };
  if (!isForeignEntity(chunk)) return { t: 'other' };
  if (is(chunk, StringChunk)) return textToken(chunk);
  if (is(chunk, Column)) return { t: 'column', column: chunk };
  const value = routingValueOf(chunk);
  if (value) return { t: 'value', value };
  if (is(chunk, SQL)) return { t: 'sql', sql: chunk };
  return { t: 'other' };
}

function textToken(chunk: StringChunk): Token | undefined {
  const s = chunk.value.join('').trim().toLowerCase();
  return s === '' ? undefined : { t: 'text', s };
}

/** A drizzle entity (its class carries `entityKind`) that instanceof did not recognise. */
function isForeignEntity(chunk: unknown): boolean {
  if (typeof chunk !== 'object' || chunk === null) return false;
  const ctor = (chunk as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && entityKind in ctor;
}

/**
 * The meaningful chunks of an SQL node, with empty text removed and single-child wrappers
 * (`(` … `)` around one SQL, or one lone SQL) unwrapped — the shape drizzle's `and()`,
 * `or()`, `eq()` and `inArray()` produce, as checked on drizzle-orm 0.45.
 */
export function tokensOf(node: SQL): Token[] {
  let tokens = node.queryChunks.map(tokenOf).filter((t): t is Token => t !== undefined);
  for (;;) {
    const [a, b, c] = tokens;
    if (tokens.length === 1 && a?.t === 'sql') {
      tokens = tokensOf(a.sql);
    } else if (
      tokens.length === 3 &&
      a?.t === 'text' &&
      a.s === '(' &&
      b?.t === 'sql' &&
      c?.t === 'text' &&
      c.s === ')'
    ) {
      tokens = tokensOf(b.sql);
    } else {
      return tokens;
    }
  }
}

/** When `tokens` is `x <op> y <op> z` with one boolean operator throughout, its operands. */
export function booleanOperands(tokens: readonly Token[]): { op: 'and' | 'or'; operands: SQL[] } | undefined {
  if (tokens.length < 3 || tokens.length % 2 === 0) return undefined;
  const sep = tokens[1];
  if (sep?.t !== 'text' || (sep.s !== 'and' && sep.s !== 'or')) return undefined;
  const operands: SQL[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i % 2 === 1) {
      if (token.t !== 'text' || token.s !== sep.s) return undefined;
    } else if (token.t === 'sql') {
      operands.push(token.sql);
    } else {
      return undefined;
    }
  }
  return { op: sep.s, operands };
}
