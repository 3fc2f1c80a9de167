import type { Sql, TransactionSql } from 'postgres';
import { type BatchChecksum, checksumOf, checksumQuery, sameChecksum } from '../archive/checksum.ts';
import { checksumColumns } from '../archive/source-table.ts';
import { livesOn, ownerOfUnit, type SplitPlan, type SplitTable, tableSql, unitSql } from './split-plan.ts';

/** A connection, or a transaction holding a snapshot (a TransactionSql is one too). */
export type Queryable = Sql | TransactionSql;

export interface VerifyProblem {
  readonly table: string;
  /** `differs`: the owner's rows of a unit are not the source's; `missing`: the owner lacks a
   * unit the source has; `extra`: the owner has a unit the source lacks; `wrong-shard`: rows on
   * a shard that does not own them. */
  readonly kind: 'differs' | 'missing' | 'extra' | 'wrong-shard';
  readonly shard: number;
  /** Placement unit of a sharded table (bucket, residue, pinned tenant); absent for whole tables. */
  readonly unit?: number;
  /** The unit in words (`bucket 17`, `pinned tenant "acme"`). */
  readonly label?: string;
  readonly source?: BatchChecksum;
  readonly target?: BatchChecksum;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly units: number }[];
  readonly problems: readonly VerifyProblem[];
}

type Sums = Map<number, BatchChecksum>;

async function sums(q: Queryable, sql: string): Promise<Sums> {
  const out: Sums = new Map();
  for (const r of await q.unsafe(sql)) {
    out.set(Number(r.unit ?? -1), checksumOf(r));
  }
  return out;
}

async function verifyTable(
  plan: SplitPlan,
  table: SplitTable,
  source: Queryable,
  targets: readonly Queryable[],
  problems: VerifyProblem[],
) {
  const columns = await checksumColumns(source, table.name);
  if (!columns) throw new Error(`table "${table.name}" is missing on the source`);
  const from = tableSql(table.name);
  if (table.kind === 'sharded') {
    const unit = unitSql(plan.map, table);
    const expected = await sums(source, checksumQuery(columns, from, 'postgres', unit));
    const seen = new Set<number>();
    const label = (u: number) => plan.map.strategy.unitLabel(u);
    for (const [shard, target] of targets.entries()) {
      for (const [u, got] of await sums(target, checksumQuery(columns, from, 'postgres', unit))) {
        if (ownerOfUnit(plan.map, u) !== shard) {
          problems.push({
            table: table.name,
            kind: 'wrong-shard',
            shard,
            unit: u,
            label: label(u),
            target: got,
          });
          continue;
        }
        seen.add(u);
        const want = expected.get(u);
        if (!want)
          problems.push({ table: table.name, kind: 'extra', shard, unit: u, label: label(u), target: got });
        else if (!sameChecksum(want, got))
          problems.push({
            table: table.name,
            kind: 'differs',
            shard,
            unit: u,
            label: label(u),
            source: want,
            target: got,
          });
      }
    }
    for (const [u, want] of expected) {
      if (!seen.has(u))
        problems.push({
          table: table.name,
          kind: 'missing',
          shard: ownerOfUnit(plan.map, u),
          unit: u,
          label: label(u),
          source: want,
        });
    }
    return {
      table: table.name,
      rows: [...expected.values()].reduce((n, s) => n + s.rows, 0),
      units: expected.size,
    };
  }
  const whole = checksumQuery(columns, from, 'postgres');
  const want = (await sums(source, whole)).get(-1)!;
  for (const [shard, target] of targets.entries()) {
    const got = (await sums(target, whole)).get(-1)!;
    if (livesOn(table, shard)) {
      if (!sameChecksum(want, got))
        problems.push({ table: table.name, kind: 'differs', shard, source: want, target: got });
    } else if (got.rows > 0) problems.push({ table: table.name, kind: 'wrong-shard', shard, target: got });
  }
  return { table: table.name, rows: want.rows, units: 1 };
}

/** Where a verification found a difference, as text: `orders differs on shard 2 (bucket 1234)`. */
export const describeProblem = (p: VerifyProblem) =>
  `${p.table} ${p.kind} on shard ${p.shard}${p.unit !== undefined ? ` (${p.label ?? `bucket ${p.unit}`})` : ''}`;

/**
 * Compares the source with the targets in SQL on each side: per table and placement unit
 * (bucket, or shard for modulo maps), row counts and an order-independent checksum; reference
 * tables whole on every shard, unsharded tables on the home shard. Meaningful when the source
 * is not changing (at cutover, or after it: the source is then read-only).
 */
export async function verifySplit(
  plan: SplitPlan,
  source: Queryable,
  targets: readonly Queryable[],
): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const tables = [];
  for (const table of plan.tables) tables.push(await verifyTable(plan, table, source, targets, problems));
  return { ok: problems.length === 0, tables, problems };
}
