import type { IndexRecommendation } from '@drizzle-shard/codegen';
import postgres from 'postgres';

/** The seed's slow query, step 7: the newest orders of one user. */
export const SEED_QUERY = 'SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20';

/** The index that step 7 adds for it. */
export const SEED_INDEX: IndexRecommendation = {
  table: 'orders',
  name: 'orders_user_id_created_at_idx',
  columns: [
    { name: 'user_id', direction: 'asc' },
    { name: 'created_at', direction: 'desc' },
  ],
  unique: false,
  sources: [],
};

/** The user that owns `hotUserRows` orders. */
export const HOT_USER_ID = 42;
/** Every other order belongs to one of this many users (ids 100…50 099, never the hot user). */
export const OTHER_USERS = 50_000;

export interface SeedOrdersOptions {
  /** Total rows. */
  readonly rows: number;
  /** Rows of user 42, spread evenly through the table (at least this many). */
  readonly hotUserRows: number;
}

function connect(url: string) {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
}

/**
 * Creates `orders` as in the seed (primary key on id only: no index starts with user_id) and
 * fills it in SQL with generate_series, deterministically, then ANALYZEs it.
 */
export async function loadSeedOrders(url: string, { rows, hotUserRows }: SeedOrdersOptions): Promise<void> {
  if (
    !Number.isSafeInteger(rows) ||
    !Number.isSafeInteger(hotUserRows) ||
    hotUserRows < 1 ||
    hotUserRows > rows
  ) {
    throw new Error(
      `loadSeedOrders needs whole numbers with 1 ≤ hotUserRows ≤ rows, got ${hotUserRows}/${rows}.`,
    );
  }
  // Every step-th row is the hot user's: floor(rows / step) ≥ hotUserRows of them, interleaved.
  const step = Math.floor(rows / hotUserRows);
  const sql = connect(url);
  try {
    await sql.unsafe(`create table orders (
      id bigint,
      user_id bigint not null,
      status text,
      total numeric(12,2),
      created_at timestamp not null,
      primary key (id)
    )`);
    await sql.unsafe(`insert into orders (id, user_id, status, total, created_at)
      select g,
             case when g % ${step} = 0 then ${HOT_USER_ID} else 100 + (g * 7919) % ${OTHER_USERS} end,
             (array['new', 'paid', 'shipped', 'cancelled'])[1 + g % 4],
             ((g * 7577) % 100000) / 100.0,
             timestamp '2023-01-01' + ((g * 2654435761) % 31536000) * interval '1 second'
        from generate_series(1::bigint, ${rows}::bigint) as g`);
    await sql.unsafe('analyze orders');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** One node of an EXPLAIN (FORMAT JSON) tree, with the fields the tests look at. */
export interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

/** Every node of a plan tree, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

export interface SeedExplain {
  /** The root plan node of the last run. */
  readonly plan: PlanNode;
  /** Node types of the last run, depth first (`Limit`, `Gather Merge`, `Sort`, `Parallel Seq Scan`). */
  readonly nodeTypes: string[];
  /** Median `Execution Time` over the runs, in ms. */
  readonly executionMs: number;
  /** Every run's `Execution Time`, in ms. */
  readonly runsMs: number[];
}

/**
 * Runs EXPLAIN (ANALYZE, FORMAT JSON) of the seed query for `userId`, `runs` times (default 3),
 * and returns the last plan and the median execution time.
 */
export async function explainSeedQuery(url: string, userId: number, runs = 3): Promise<SeedExplain> {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs must be a whole number ≥ 1, got ${runs}.`);
  const sql = connect(url);
  try {
    const runsMs: number[] = [];
    let plan: PlanNode | undefined;
    for (let i = 0; i < runs; i++) {
      const rows = (await sql.unsafe(`EXPLAIN (ANALYZE, FORMAT JSON) ${SEED_QUERY}`, [
        userId,
      ])) as unknown as {
        'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }];
      }[];
      const [result] = rows[0]!['QUERY PLAN'];
      plan = result.Plan;
      runsMs.push(result['Execution Time']);
    }
    const sorted = [...runsMs].sort((a, b) => a - b);
    return {
      plan: plan!,
      nodeTypes: planNodes(plan!).map((n) => n['Node Type']),
      executionMs: sorted[Math.floor(sorted.length / 2)]!,
      runsMs,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
