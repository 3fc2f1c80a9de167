import type { Predicate } from '../model.ts';

/** A predicate's SQL made comparable: lower case, no quotes, no table qualifiers, single spaces. */
export function normalizePredicate(text: string): string {
  return text
    .replace(/"[^"]+"\."([^"]+)"/g, '$1')
    .replace(/"([^"]+)"/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .toLowerCase();
}

/** One term of a partial index predicate, when it is one the analysis can match. */
function term(text: string): Predicate | undefined {
  const t = text
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
  let m = /^([a-z_][\w$]*) is null$/.exec(t);
  if (m) return { column: m[1]!, op: 'is null' };
  m = /^([a-z_][\w$]*) is not null$/.exec(t);
  if (m) return { column: m[1]!, op: 'is not null' };
  m = /^([a-z_][\w$]*) = (.+)$/.exec(t);
  if (m) return { column: m[1]!, op: '=', value: m[2]! };
  return undefined;
}

/**
 * Whether a query's always-applied conditions imply a partial index's predicate (a conjunction of
 * `col is null`, `col is not null`, `col = literal`). Anything else is not assumed implied.
 */
export function impliesPredicate(predicates: readonly Predicate[], predicate: string | undefined): boolean {
  if (!predicate) return false;
  const terms = normalizePredicate(predicate).split(/ and /);
  return terms.every((text) => {
    const want = term(text);
    if (!want) return false;
    return predicates.some(
      (p) =>
        p.column === want.column &&
        (p.op === want.op
          ? want.op !== '=' || p.value?.toLowerCase() === want.value
          : want.op === 'is not null' && p.op === '='),
    );
  });
}
