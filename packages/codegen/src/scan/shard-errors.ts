import type { AccessPattern, SourceLocation, TableInfo } from '../model.ts';

/** What a {@link ShardError} is about; the names of the eslint-plugin-drizzle-shard rules. */
export type ShardErrorKind = 'require-shard-key' | 'no-unkeyed-insert' | 'no-cross-shard-transaction';

/** A statement that throws at run time, found in the code: the scatter report's errors and the lint findings. */
export interface ShardError {
  readonly kind: ShardErrorKind;
  readonly location: SourceLocation;
  /** SQL name of the table. */
  readonly table: string;
  /** What throws, and the change that fixes it. */
  readonly message: string;
}

const at = (l: SourceLocation) => `${l.file.split('/').pop()}:${l.line}`;
const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

function unkeyed(p: AccessPattern, t: TableInfo): ShardError {
  const key = t.keyColumn!;
  if (p.kind === 'insert')
    return {
      kind: 'no-unkeyed-insert',
      location: p.location,
      table: t.name,
      message:
        `insert into \`${t.name}\` whose rows do not always set the shard key \`${key}\`: throws SHARD_KEY_MISSING at run time. ` +
        `Set \`${t.keyProperty}\` in every row.`,
    };
  const filters = unique([...p.equality, ...p.range, ...p.compared]);
  const because = p.reasons.length ? `; ${p.reasons.join('; ')}` : '';
  return {
    kind: 'require-shard-key',
    location: p.location,
    table: t.name,
    message:
      `${p.kind} on \`${t.name}\` without \`${key}\`` +
      (filters.length ? ` (filters: ${filters.join(', ')}${because})` : ` (no filter${because})`) +
      `: throws SHARD_KEY_MISSING at run time. Add \`eq(${t.exportName}.${t.keyProperty}, …)\`, use the generated ` +
      `\`${t.exportName}Of(db, ${t.keyProperty})\`, or run it through db.allShards() on purpose.`,
  };
}

/** Statements of one `db.transaction()` on the top-level db whose keys cannot be proven equal. */
function transactionErrors(statements: readonly AccessPattern[], tx: SourceLocation): ShardError[] {
  const keyOf = (p: AccessPattern) => (p.keyValues.length === 1 ? p.keyValues[0] : undefined);
  const keyed = statements.filter((p) => p.hasShardKey || p.keyValues.length);
  const first = keyed[0];
  if (!first) return [];
  const key = keyOf(first);
  const others = keyed.filter((p) => p !== first && (key === undefined || keyOf(p) !== key));
  if (key !== undefined && others.length === 0)
    return [
      {
        kind: 'no-cross-shard-transaction',
        location: tx,
        table: first.table,
        message:
          'db.transaction() on the top-level db throws TRANSACTION_NEEDS_SHARD (a transaction runs on one shard). ' +
          `Every statement uses the key \`${key}\`: run it as db.shard(${key}).transaction(…).`,
      },
    ];
  const reference =
    key === undefined ? 'one key' : `the key \`${key}\` of \`${first.table}\` at ${at(first.location)}`;
  return (key === undefined ? keyed : others).map((p) => ({
    kind: 'no-cross-shard-transaction',
    location: p.location,
    table: p.table,
    message:
      `${p.kind} on \`${p.table}\` with the key ${keyOf(p) ? `\`${keyOf(p)}\`` : 'of several values'}, which cannot be proven ` +
      `equal to ${reference}, in the db.transaction() at ${at(tx)}: a transaction runs on one shard ` +
      '(TRANSACTION_NEEDS_SHARD). Split it into one db.shard(key).transaction(…) per key.',
  }));
}

/**
 * The statements of the analysed code that throw at run time, in source order: queries on a
 * sharded table that the top-level db gets without the key (`require-shard-key`), inserts whose
 * rows may lack it (`no-unkeyed-insert`), and `db.transaction()`s on the top-level db
 * (`no-cross-shard-transaction`). Explicit `db.allShards()` fan-outs and queries the analysis
 * could not decide are not errors.
 */
export function shardErrors(patterns: readonly AccessPattern[], tables: readonly TableInfo[]): ShardError[] {
  const sharded = new Map(tables.filter((t) => t.sharding === 'sharded').map((t) => [t.name, t]));
  const out: ShardError[] = [];
  const transactions = new Map<string, { at: SourceLocation; statements: AccessPattern[] }>();
  for (const p of patterns) {
    const table = sharded.get(p.table);
    if (!table) continue;
    if (p.routing === 'scatter') out.push(unkeyed(p, table));
    if (p.transaction) {
      const id = `${p.transaction.file}:${p.transaction.line}`;
      const group = transactions.get(id) ?? { at: p.transaction, statements: [] };
      group.statements.push(p);
      transactions.set(id, group);
    }
  }
  for (const { at: tx, statements } of transactions.values()) out.push(...transactionErrors(statements, tx));
  return out.sort(
    (a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line,
  );
}
