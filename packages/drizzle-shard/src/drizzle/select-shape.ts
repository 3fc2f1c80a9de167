import {
  Column,
  Param,
  Placeholder,
  type QueryWithTypings,
  SQL,
  type SQLChunk,
  StringChunk,
  Table,
} from 'drizzle-orm';
import { columnsOf, type SelectConfigView } from './internals.ts';

/**
 * A select's shape: everything that decides its SQL text (tables, columns, operators, list
 * lengths, encoders) as a string key, and its parameters in the order drizzle would bind them.
 * Two selects with the same key compile to the same text; only the parameters differ.
 */
export interface SelectShape {
  readonly key: string;
  readonly params: unknown[];
}

const ids = new WeakMap<object, number>();
let nextId = 1;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

/**
 * Walks a condition the way drizzle's `buildQueryFromSourceParams` does, appending the text
 * parts and identities to `parts` and the bound values to `params`. Returns false for anything
 * it does not mirror exactly (placeholders, names, views, subqueries, inlined params, SQL from
 * an encoder…): such statements are compiled by drizzle every time.
 */
function walk(chunk: unknown, parts: (string | number)[], params: unknown[]): boolean {
  if (chunk instanceof StringChunk) {
    parts.push(chunk.value.join(''));
    return true;
  }
  if (chunk === undefined) return true;
  if (Array.isArray(chunk)) {
    parts.push('(');
    for (let i = 0; i < chunk.length; i++) {
      if (i > 0) parts.push(', ');
      if (!walk(chunk[i], parts, params)) return false;
    }
    parts.push(')');
    return true;
  }
  if (chunk instanceof SQL) {
    if ((chunk as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return false;
    for (const c of chunk.queryChunks) if (!walk(c, parts, params)) return false;
    return true;
  }
  if (chunk instanceof Column) {
    parts.push('\u0002c', idOf(chunk));
    return true;
  }
  if (chunk instanceof Table) {
    parts.push('\u0002t', idOf(chunk));
    return true;
  }
  if (chunk instanceof Param) {
    if (chunk.value instanceof Placeholder) return false;
    const mapped = chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value);
    if (mapped instanceof SQL) return false;
    parts.push('\u0002p', idOf(chunk.encoder as object));
    params.push(mapped);
    return true;
  }
  if (chunk === null || (typeof chunk !== 'object' && typeof chunk !== 'function')) {
    parts.push('\u0002v');
    params.push(chunk);
    return true;
  }
  return false;
}

/** The selection's part of the key: the table's own columns, or a flat object of columns. */
function fieldsKey(view: SelectConfigView, parts: (string | number)[]): boolean {
  if (view.fields === columnsOf(view.table)) {
    parts.push('\u0002*');
    return true;
  }
  for (const [name, field] of Object.entries(view.fields)) {
    if (!(field instanceof Column)) return false;
    parts.push('\u0002f', name, idOf(field));
  }
  return true;
}

/**
 * The shape of a plain single-table select (`db.select(…).from(t).where(…).limit(n)`), or
 * undefined for anything else (joins, ordering, grouping, locking, set operations, CTEs, …).
 * `ordered` also takes ORDER BY and a numeric OFFSET (the fan-out's merged selects).
 */
export function selectShape(view: SelectConfigView, ordered = false): SelectShape | undefined {
  const other = view as SelectConfigView & { withList?: unknown[] };
  if (
    !(view.table instanceof Table) ||
    view.fieldsFlat !== undefined ||
    view.joins?.length ||
    (!ordered && view.orderBy?.length) ||
    view.groupBy?.length ||
    view.having !== undefined ||
    (view.offset !== undefined && (!ordered || typeof view.offset !== 'number')) ||
    view.distinct !== undefined ||
    view.lockingClause !== undefined ||
    view.setOperators?.length ||
    other.withList?.length
  ) {
    return undefined;
  }
  const parts: (string | number)[] = ['\u0002T', idOf(view.table)];
  const params: unknown[] = [];
  if (!fieldsKey(view, parts)) return undefined;
  if (view.where !== undefined && !walk(view.where, parts, params)) return undefined;
  for (const item of view.orderBy ?? []) {
    parts.push('\u0002O');
    if (!walk(item, parts, params)) return undefined;
  }
  if (typeof view.limit === 'number') {
    if (view.limit >= 0) {
      parts.push('\u0002L');
      params.push(view.limit);
    }
  } else if (view.limit !== undefined) return undefined;
  // drizzle writes OFFSET only when it is not 0.
  if (view.offset) {
    parts.push('\u0002F');
    params.push(view.offset);
  }
  return { key: parts.join('\u0001'), params };
}

/** A compiled statement of one shape: its text and parameter typings. */
export interface ShapeEntry {
  readonly sql: string;
  readonly typings: QueryWithTypings['typings'];
  readonly paramCount: number;
}

/**
 * Compiled texts by shape, bounded (least recently added dropped first). A shape whose first
 * compilation disagrees with the walk about the parameters is remembered as `null` and never
 * served from here.
 */
export class ShapeCache {
  private readonly entries = new Map<string, ShapeEntry | null>();

  constructor(private readonly limit = 2000) {}

  get(key: string): ShapeEntry | null | undefined {
    return this.entries.get(key);
  }

  /** Records drizzle's compilation of `shape`, if its parameters are exactly the walk's. */
  learn(shape: SelectShape, query: QueryWithTypings): void {
    const same =
      query.params.length === shape.params.length &&
      query.params.every((p, i) => Object.is(p, shape.params[i]));
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(
      shape.key,
      same ? { sql: query.sql, typings: query.typings, paramCount: query.params.length } : null,
    );
  }
}

/**
 * The SQL a select builder gets for a shape already compiled: `sqlToQuery` answers it from the
 * cache without walking. Anything else that reads its chunks (embedding it as a subquery with
 * `.as()`) gets drizzle's own build, made on first access.
 */
export class ShapedSelect extends SQL {
  private built: SQLChunk[] | undefined;

  constructor(
    readonly entry: ShapeEntry,
    readonly params: unknown[],
    private readonly build: () => SQL,
  ) {
    super([]);
  }

  // @ts-expect-error drizzle declares queryChunks as a field; here it is built on demand.
  override get queryChunks(): SQLChunk[] {
    this.built ??= this.build().queryChunks;
    return this.built;
  }

  override set queryChunks(_chunks: SQLChunk[]) {
    // the constructor's empty list: the chunks are built on demand
  }

  toCachedQuery(): QueryWithTypings {
    return { sql: this.entry.sql, params: this.params, typings: this.entry.typings };
  }
}
