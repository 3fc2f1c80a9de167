import { type Node, SyntaxKind, type TaggedTemplateExpression } from 'ts-morph';
import type { Predicate } from '../model.ts';
import type { ColumnRef, TableParams, TableRefs } from './table-refs.ts';
import { arrayItems, at, declarationOf, functionReturn, returnedExpression, unwrap } from './values.ts';

/** What a filter expression says, for the analysis (every list holds conditions always applied). */
export interface Filter {
  /** Columns compared with `=` or `inArray` to a value: they pin (the shard key) or seek (an index). */
  readonly equality: ColumnRef[];
  /** Columns compared with `<`, `>`, `between`, `like`, … */
  readonly range: ColumnRef[];
  /** `eq(a.x, b.y)`: two columns made equal (join conditions). */
  readonly links: [ColumnRef, ColumnRef][];
  /** For each `equality` entry compared with a value: the value's expression, as written. */
  readonly values: { readonly ref: ColumnRef; readonly text: string }[];
  readonly predicates: (Predicate & { readonly ref: ColumnRef })[];
  /** Conditions that may be missing (pushed under an `if`, `x ? eq(…) : undefined`), with where. */
  readonly optional: { readonly ref: ColumnRef; readonly where: string }[];
  /** Columns compared in ways that neither pin nor seek (`ne`, `isNull`, `notInArray`). */
  readonly compared: ColumnRef[];
  /** Conditions understood that neither pin nor seek (`ne`, `not`, `isNull` on the key, `exists`). */
  others: number;
  /** Parts that could not be read, in words. */
  readonly unknown: string[];
}

export const emptyFilter = (): Filter => ({
  equality: [],
  range: [],
  links: [],
  values: [],
  predicates: [],
  optional: [],
  compared: [],
  others: 0,
  unknown: [],
});

const EQUALITY = new Set(['eq', 'inArray']);
const RANGE = new Set(['gt', 'gte', 'lt', 'lte', 'between', 'like', 'ilike']);
const OTHER = new Set([
  'ne',
  'notInArray',
  'notBetween',
  'notLike',
  'notIlike',
  'not',
  'exists',
  'notExists',
  'arrayContains',
  'arrayContained',
  'arrayOverlaps',
]);

function calleeName(node: Node): string | undefined {
  if (!node.isKind(SyntaxKind.CallExpression)) return undefined;
  const callee = node.getExpression();
  if (callee.isKind(SyntaxKind.Identifier)) return callee.getText();
  if (callee.isKind(SyntaxKind.PropertyAccessExpression)) return callee.getName();
  return undefined;
}

function literal(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.isKind(SyntaxKind.StringLiteral) || n.isKind(SyntaxKind.NoSubstitutionTemplateLiteral))
    return `'${n.getLiteralText().replaceAll("'", "''")}'`;
  if (n.isKind(SyntaxKind.NumericLiteral)) return n.getText();
  if (n.isKind(SyntaxKind.TrueKeyword) || n.isKind(SyntaxKind.FalseKeyword)) return n.getText();
  return undefined;
}

/** Whether a `sql\`…\`` template mentions a shard key column, by interpolation or by name. */
function namesShardKey(tagged: TaggedTemplateExpression, refs: TableRefs, params: TableParams): boolean {
  const keys = new Set(refs.tables.flatMap((t) => (t.keyColumn ? [t.keyColumn] : [])));
  const template = tagged.getTemplate();
  const spans = template.isKind(SyntaxKind.TemplateExpression) ? template.getTemplateSpans() : [];
  for (const span of spans) {
    const ref = refs.column(unwrap(span.getExpression()), params);
    if (ref && ref.column === ref.table.keyColumn) return true;
  }
  // The SQL text itself, without the interpolated expressions (`${result.id}` names no column).
  const text = template.isKind(SyntaxKind.TemplateExpression)
    ? [template.getHead(), ...spans.map((span) => span.getLiteral())]
        .map((part) => part.getLiteralText())
        .join(' ')
    : template.getLiteralText();
  return [...keys].some((k) => new RegExp(`\\b${k}\\b`, 'i').test(text));
}

export function mergeFilter(into: Filter, from: Filter): void {
  into.equality.push(...from.equality);
  into.range.push(...from.range);
  into.links.push(...from.links);
  into.values.push(...from.values);
  into.predicates.push(...from.predicates);
  into.optional.push(...from.optional);
  into.compared.push(...from.compared);
  into.others += from.others;
  into.unknown.push(...from.unknown);
}

/** A filter present only sometimes: nothing it says is always true. */
function asOptional(filter: Filter, where: string): Filter {
  const out = emptyFilter();
  out.optional.push(...filter.equality.map((ref) => ({ ref, where })), ...filter.optional);
  out.others = filter.others + filter.range.length + (filter.equality.length ? 0 : 1);
  return out;
}

/** `or(a, b)`: only what every branch says holds; what some branches say is optional. */
function intersect(branches: Filter[], where: string): Filter {
  const out = emptyFilter();
  const same = (a: ColumnRef, b: ColumnRef) => a.table === b.table && a.column === b.column;
  const all = branches.flatMap((b) => b.equality);
  for (const c of all) {
    if (out.equality.some((d) => same(c, d)) || out.optional.some((o) => same(c, o.ref))) continue;
    if (branches.every((b) => b.equality.some((d) => same(c, d)))) out.equality.push(c);
    else out.optional.push({ ref: c, where: `in some branches of ${where}` });
  }
  out.others = 1;
  for (const b of branches) out.unknown.push(...b.unknown);
  return out;
}

/**
 * Reads a drizzle filter (`and(eq(t.a, x), gt(t.b, y))`) and follows its values within the
 * function: arrays of conditions spread into `and`/`or`, variables, small local helpers that
 * return a condition, `cond ? eq(…) : undefined`. What it cannot read goes to `unknown`.
 */
export function readFilter(node: Node | undefined, refs: TableRefs, params: TableParams, depth = 0): Filter {
  const out = emptyFilter();
  if (!node) return out;
  const n = unwrap(node);
  if (depth > 6) {
    out.unknown.push(`the filter at ${at(n)} is nested too deep to follow`);
    return out;
  }
  const read = (child: Node | undefined, p: TableParams = params) => readFilter(child, refs, p, depth + 1);
  if (n.isKind(SyntaxKind.Identifier) && n.getText() === 'undefined') return out;
  if (n.isKind(SyntaxKind.ArrowFunction) || n.isKind(SyntaxKind.FunctionExpression)) {
    const expression = functionReturn(n);
    if (expression) return read(expression);
    out.unknown.push(`the filter callback at ${at(n)} has statements; only \`(t) => expr\` is read`);
    return out;
  }
  if (n.isKind(SyntaxKind.ConditionalExpression)) {
    return intersect([read(n.getWhenTrue()), read(n.getWhenFalse())], `the \`?:\` at ${at(n)}`);
  }
  if (n.isKind(SyntaxKind.Identifier)) {
    const found = declarationOf(n);
    if (found?.initializer) return read(found.initializer);
    out.unknown.push(`the filter \`${n.getText()}\` at ${at(n)} comes from outside the function`);
    return out;
  }
  if (n.isKind(SyntaxKind.TaggedTemplateExpression)) {
    // Raw SQL that names no shard key cannot pin a shard: a filter, but not an unknown one.
    if (namesShardKey(n, refs, params)) out.unknown.push(`raw sql filter on the shard key at ${at(n)}`);
    else out.others += 1;
    return out;
  }
  const name = calleeName(n);
  if (!name || !n.isKind(SyntaxKind.CallExpression)) {
    out.unknown.push(`\`${n.getText().slice(0, 40)}\` at ${at(n)} is not a drizzle condition`);
    return out;
  }
  const args = n.getArguments();
  const items = (list: readonly Node[]) => {
    const always: Node[] = [];
    const maybe: Node[] = [];
    const unknown: string[] = [];
    for (const a of list) {
      if (a.isKind(SyntaxKind.SpreadElement)) {
        const spread = arrayItems(a.getExpression());
        always.push(...spread.always);
        maybe.push(...spread.maybe);
        unknown.push(...spread.unknown);
      } else if (unwrap(a).isKind(SyntaxKind.ConditionalExpression)) {
        const c = unwrap(a).asKindOrThrow(SyntaxKind.ConditionalExpression);
        if (c.getWhenFalse().getText() === 'undefined') maybe.push(c.getWhenTrue());
        else always.push(a);
      } else always.push(a);
    }
    return { always, maybe, unknown };
  };
  if (name === 'and') {
    const { always, maybe, unknown } = items(args);
    for (const a of always) mergeFilter(out, read(a));
    for (const m of maybe) mergeFilter(out, asOptional(read(m), `under a condition at ${at(m)}`));
    out.unknown.push(...unknown);
    return out;
  }
  if (name === 'or') {
    const { always, maybe, unknown } = items(args);
    const branches = [...always, ...maybe].map((a) => read(a));
    if (maybe.length) branches.push(emptyFilter());
    const result = intersect(branches, `the or() at ${at(n)}`);
    result.unknown.push(...unknown);
    if (maybe.length) result.others = 1;
    return result;
  }
  const [first, second] = args;
  const column = refs.column(first ? unwrap(first) : undefined, params);
  const other = refs.column(second ? unwrap(second) : undefined, params);
  if (EQUALITY.has(name) && column && other) {
    if (name === 'eq') out.links.push([column, other]);
    return out;
  }
  if (EQUALITY.has(name) && column) {
    out.equality.push(column);
    if (second) out.values.push({ ref: column, text: unwrap(second).getText() });
    const value = name === 'eq' ? literal(second) : undefined;
    if (value) out.predicates.push({ ref: column, column: column.column, op: '=', value });
    // `col = $1` / `col IN (…)` never matches NULL: it implies `col is not null`.
    else out.predicates.push({ ref: column, column: column.column, op: 'is not null' });
    return out;
  }
  if ((name === 'isNull' || name === 'isNotNull') && column) {
    out.compared.push(column);
    out.others += 1;
    out.predicates.push({
      ref: column,
      column: column.column,
      op: name === 'isNull' ? 'is null' : 'is not null',
    });
    return out;
  }
  if (RANGE.has(name) && column) {
    out.range.push(column);
    return out;
  }
  if (OTHER.has(name)) {
    if (column) out.compared.push(column);
    out.others += 1;
    return out;
  }
  if (EQUALITY.has(name) || RANGE.has(name) || name === 'isNull' || name === 'isNotNull') {
    out.others += 1;
    out.unknown.push(`\`${name}()\` at ${at(n)} compares an expression, not a column`);
    return out;
  }
  const helper = returnedExpression(n);
  if (helper) return read(helper.expression);
  out.unknown.push(`\`${name}()\` at ${at(n)} could not be read`);
  return out;
}

/** `desc(t.a)`, `asc(t.b)`, `t.c` → columns of `table` with directions, in order. */
export function orderColumns(
  nodes: readonly Node[],
  refs: TableRefs,
  params: TableParams,
  table: string,
): { name: string; direction: 'asc' | 'desc' }[] {
  const out: { name: string; direction: 'asc' | 'desc' }[] = [];
  for (const raw of nodes) {
    const n = unwrap(raw);
    if (n.isKind(SyntaxKind.SpreadElement)) {
      out.push(...orderColumns(arrayItems(n.getExpression()).always, refs, params, table));
      continue;
    }
    if (n.isKind(SyntaxKind.ArrayLiteralExpression)) {
      out.push(...orderColumns(n.getElements(), refs, params, table));
      continue;
    }
    if (n.isKind(SyntaxKind.ArrowFunction)) {
      const body = n.getBody();
      if (!body.isKind(SyntaxKind.Block)) out.push(...orderColumns([body], refs, params, table));
      continue;
    }
    const name = calleeName(n);
    const target =
      (name === 'asc' || name === 'desc') && n.isKind(SyntaxKind.CallExpression) ? n.getArguments()[0] : n;
    const resolved = refs.column(target ? unwrap(target) : undefined, params);
    if (resolved && resolved.table.name === table)
      out.push({ name: resolved.column, direction: name === 'desc' ? 'desc' : 'asc' });
  }
  return out;
}
