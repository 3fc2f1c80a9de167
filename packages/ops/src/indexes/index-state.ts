import type { IndexRecommendation } from '@drizzle-shard/codegen';
import type { Sql } from 'postgres';
import type { IndexApplyFailure } from './apply-report.ts';
import { indexFailure } from './index-failure.ts';

/** What holds an index's name on a shard, read from the catalog. */
export type IndexState =
  | { kind: 'absent' }
  /** Something that is not an index holds the name. */
  | { kind: 'other'; relkind: string }
  | {
      kind: 'index';
      valid: boolean;
      table: string;
      unique: boolean;
      partial: boolean;
      columns: readonly { name: string | null; desc: boolean }[];
      /** A session building it right now (`pg_stat_progress_create_index`), other than ours. */
      buildingPid: number | null;
    };

interface InspectRow {
  relkind: string;
  valid: boolean | null;
  table: string | null;
  unique: boolean | null;
  partial: boolean | null;
  columns: { name: string | null; desc: boolean }[] | null;
  building_pid: number | null;
}

// Key columns with their DESC flag (bit 0 of indoption); expression columns have no name.
const INSPECT_SQL = `
select c.relkind::text as relkind,
       i.indisvalid and i.indisready as valid,
       t.relname::text as table,
       i.indisunique as unique,
       i.indpred is not null or i.indexprs is not null as partial,
       (select json_agg(json_build_object('name', a.attname, 'desc', (k.opt & 1) = 1) order by k.ord)
          from unnest(i.indkey::int2[], i.indoption::int2[]) with ordinality as k(attnum, opt, ord)
          left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum > 0
         where k.ord <= i.indnkeyatts) as columns,
       (select p.pid from pg_stat_progress_create_index p
         where p.index_relid = c.oid and p.pid <> pg_backend_pid() limit 1) as building_pid
  from pg_class c
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_index i on i.indexrelid = c.oid
  left join pg_class t on t.oid = i.indrelid
 where c.relname = $1 and n.nspname = current_schema()`;

/** Reads what holds `name` in the current schema. */
export async function inspectIndex(sql: Sql, name: string): Promise<IndexState> {
  const rows = (await sql.unsafe(INSPECT_SQL, [name])) as unknown as InspectRow[];
  const row = rows[0];
  if (!row) return { kind: 'absent' };
  if (row.valid === null || row.table === null) return { kind: 'other', relkind: row.relkind };
  return {
    kind: 'index',
    valid: row.valid,
    table: row.table,
    unique: row.unique === true,
    partial: row.partial === true,
    columns: row.columns ?? [],
    buildingPid: row.building_pid === null ? null : Number(row.building_pid),
  };
}

/** A relation of the same name that is not the recommended index: never dropped, reported. */
export function conflictOf(
  state: IndexState,
  rec: IndexRecommendation,
  where: string,
): IndexApplyFailure | undefined {
  if (state.kind === 'absent') return undefined;
  const taken = `${where} cannot be created: the name is taken by`;
  if (state.kind === 'other') {
    return indexFailure(
      'CODEGEN_INDEX_NAME_CONFLICT',
      `${taken} a relation that is not an index (relkind ${state.relkind}).`,
    );
  }
  const wanted = rec.columns.map((c) => ({ name: c.name, desc: c.direction === 'desc' }));
  const same =
    state.table === rec.table &&
    state.unique === rec.unique &&
    !state.partial &&
    state.columns.length === wanted.length &&
    state.columns.every((c, i) => c.name === wanted[i]?.name && c.desc === wanted[i]?.desc);
  if (same) return undefined;
  const shown = state.columns.map((c) => `${c.name ?? '<expression>'}${c.desc ? ' DESC' : ''}`).join(', ');
  return indexFailure(
    'CODEGEN_INDEX_NAME_CONFLICT',
    `${taken} another ${state.unique ? 'unique ' : ''}${state.partial ? 'partial/expression ' : ''}index on ${JSON.stringify(state.table)} (${shown}); it was left alone. Rename or drop it.`,
  );
}
