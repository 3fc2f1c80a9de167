import { type BatchChecksum, checksumOf, checksumQuery, sameChecksum } from '../archive/checksum.ts';
import { checksumColumns } from '../archive/source-table.ts';
import { tableSql, unitSql } from '../split/split-plan.ts';
import type { Queryable, VerifyProblem, VerifyReport } from '../split/verify.ts';
import { carriesReference, moveFilterSql, type ReshardPlan } from './reshard-plan.ts';

async function sums(q: Queryable, sql: string): Promise<Map<number, BatchChecksum>> {
  const out = new Map<number, BatchChecksum>();
  for (const r of await q.unsafe(sql)) out.set(Number(r.unit ?? -1), checksumOf(r));
  return out;
}

/**
 * For every move and sharded table, per unit: counts and checksums of the old owner's rows
 * (frozen by the guard since the cutover) against the new owner's; reference tables whole, new
 * owner against the old one it was copied from. `shards[i]` reads shard i (a snapshot held at
 * the cutover, or the live database on a resumed run).
 */
export async function verifyMoves(plan: ReshardPlan, shards: readonly Queryable[]): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const tables: { table: string; rows: number; units: number }[] = [];
  for (const table of plan.tables.filter((t) => t.kind !== 'unsharded')) {
    const columns = await checksumColumns(shards[0]!, table.name);
    if (!columns) throw new Error(`table "${table.name}" is missing on shard 0`);
    let rows = 0;
    let units = 0;
    for (const move of plan.moves) {
      const old = shards[move.from]!;
      const fresh = shards[move.to]!;
      if (table.kind === 'reference') {
        if (!carriesReference(plan, move)) continue;
        const query = checksumQuery(columns, tableSql(table.name), 'postgres');
        const [want, got] = [(await sums(old, query)).get(-1)!, (await sums(fresh, query)).get(-1)!];
        if (!sameChecksum(want, got))
          problems.push({ table: table.name, kind: 'differs', shard: move.to, source: want, target: got });
        rows += want.rows;
        units++;
        continue;
      }
      const query = checksumQuery(
        columns,
        `${tableSql(table.name)} where ${moveFilterSql(plan, table, move)}`,
        'postgres',
        unitSql(plan.unitMap, table),
      );
      const expected = await sums(old, query);
      const seen = await sums(fresh, query);
      const label = (unit: number) => plan.unitMap.strategy.unitLabel(unit);
      for (const [unit, want] of expected) {
        const got = seen.get(unit);
        if (!got)
          problems.push({
            table: table.name,
            kind: 'missing',
            shard: move.to,
            unit,
            label: label(unit),
            source: want,
          });
        else if (!sameChecksum(want, got))
          problems.push({
            table: table.name,
            kind: 'differs',
            shard: move.to,
            unit,
            label: label(unit),
            source: want,
            target: got,
          });
        rows += want.rows;
        units++;
      }
      for (const [unit, got] of seen) {
        if (!expected.has(unit))
          problems.push({
            table: table.name,
            kind: 'extra',
            shard: move.to,
            unit,
            label: label(unit),
            target: got,
          });
      }
    }
    tables.push({ table: table.name, rows, units });
  }
  return { ok: problems.length === 0, tables, problems };
}
