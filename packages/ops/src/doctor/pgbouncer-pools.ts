import { redactUrl } from 'drizzle-shard';
import postgres from 'postgres';
import type { Finding } from './findings.ts';

/** One PgBouncer's pools added up (its admin console's SHOW POOLS, the `pgbouncer` pool left out). */
export interface PoolSummary {
  readonly clientsActive: number;
  readonly clientsWaiting: number;
  readonly serversActive: number;
  readonly serversIdle: number;
  /** Longest time a waiting client has waited, in ms. */
  readonly maxWaitMs: number;
}

interface PoolRow {
  database: string;
  user: string;
  cl_active: number;
  cl_waiting: number;
  sv_active: number;
  sv_idle: number;
  maxwait: number;
  maxwait_us: number;
}

/** SHOW POOLS gives the longest wait as seconds plus microseconds. */
const waitMsOf = (p: PoolRow) => p.maxwait * 1000 + p.maxwait_us / 1000;

/**
 * Reads the pools of the PgBouncer at `url` through its admin console (database `pgbouncer`,
 * simple query protocol, as PgBouncer requires; the user must be in admin_users or stats_users).
 */
export async function checkPgBouncer(url: string, node: string, findings: Finding[]): Promise<PoolSummary> {
  const admin = new URL(url);
  admin.pathname = '/pgbouncer';
  const sql = postgres(admin.toString(), { max: 1, prepare: false, fetch_types: false, connect_timeout: 5 });
  try {
    const pools = (await sql.unsafe('show pools').simple()) as unknown as PoolRow[];
    const app = pools.filter((p) => p.database !== 'pgbouncer');
    for (const p of app.filter((p) => p.cl_waiting > 0)) {
      const waitMs = waitMsOf(p);
      findings.push({
        code: 'POOL_WAITING',
        severity: 'warning',
        node,
        stage: 1,
        message: `${p.cl_waiting} client(s) wait for a server connection in pool ${p.database}/${p.user} (longest ${(waitMs / 1000).toFixed(1)} s; ${p.sv_active} server connections busy)`,
        fix: 'raise default_pool_size (within max_connections), shorten transactions, or move reads to replicas',
      });
    }
    const sum = (f: (p: PoolRow) => number) => app.reduce((n, p) => n + f(p), 0);
    return {
      clientsActive: sum((p) => p.cl_active),
      clientsWaiting: sum((p) => p.cl_waiting),
      serversActive: sum((p) => p.sv_active),
      serversIdle: sum((p) => p.sv_idle),
      maxWaitMs: Math.max(0, ...app.map(waitMsOf)),
    };
  } catch (error) {
    throw new Error(`PgBouncer admin console at ${redactUrl(admin.toString())}: ${(error as Error).message}`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}
