import type { TenantOverride } from 'drizzle-shard';
import type { Sql } from 'postgres';
import { type Finding, STAGES } from './findings.ts';
import type { DoctorThresholds } from './thresholds.ts';

/**
 * Each primary's write rate, as WAL bytes per second over `ms`: every insert, update and delete
 * writes WAL, and the WAL position is exact and immediate (table counters can lag by seconds).
 * Unreachable primaries (undefined) get 0.
 */
export async function sampleWriteRates(
  primaries: readonly (Sql | undefined)[],
  ms: number,
): Promise<number[]> {
  const start = await Promise.all(
    primaries.map(async (sql) =>
      sql ? ((await sql`select pg_current_wal_lsn()::text as lsn`)[0]!.lsn as string) : '',
    ),
  );
  const began = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return Promise.all(
    primaries.map(async (sql, i) => {
      if (!sql) return 0;
      const [r] =
        await sql`select pg_wal_lsn_diff(pg_current_wal_lsn(), ${start[i]!}::pg_lsn)::float8 as bytes`;
      return Number(r!.bytes) / ((Date.now() - began) / 1000);
    }),
  );
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(2)} MiB`;

/**
 * The fix for a skewed shard: rebalancing buckets, unless the shard holds tenants pinned by hand
 * (a reshard moves buckets around them, so it would not even the shards out).
 */
function skewFix(
  shard: number,
  pinnedTo: (shard: number) => readonly TenantOverride[],
): { pinned: string; fix: string } {
  const pinned = pinnedTo(shard);
  if (pinned.length === 0) return { pinned: '', fix: STAGES[11]!.next };
  const keys = pinned.map((o) => JSON.stringify(o.key)).join(', ');
  return {
    pinned: `pinned tenant${pinned.length > 1 ? 's' : ''} ${keys}`,
    fix: `a pinned tenant stays on shard ${shard} whatever the buckets do, so a bucket rebalance will not even this out: move the other buckets off shard ${shard} (pin ${pinned.length > 1 ? 'them' : 'it'} alone there), pin ${pinned.length > 1 ? 'them' : 'it'} to a bigger shard, or accept the skew`,
  };
}

/**
 * Uneven shards: by data size, and by write rate (when the busiest shard writes enough to
 * matter). `pinnedTo` names the tenants the fleet map pins to a shard.
 */
export function skewFindings(
  sizes: readonly { shard: number; bytes: number }[],
  writes: readonly { shard: number; rate: number }[],
  t: DoctorThresholds,
  pinnedTo: (shard: number) => readonly TenantOverride[] = () => [],
): Finding[] {
  const findings: Finding[] = [];
  const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a), sizes[0]!);
  const smallest = sizes.reduce((a, b) => (b.bytes < a.bytes ? b : a), sizes[0]!);
  if (sizes.length > 1 && smallest.bytes > 0 && largest.bytes / smallest.bytes >= t.skew) {
    const { pinned, fix } = skewFix(largest.shard, pinnedTo);
    findings.push({
      code: 'SHARD_SKEW',
      severity: 'warning',
      node: 'fleet',
      stage: 11,
      message: `shard ${largest.shard} holds ${(largest.bytes / smallest.bytes).toFixed(1)}× the data of shard ${smallest.shard} (${mib(largest.bytes)} vs ${mib(smallest.bytes)})${pinned ? `; it holds ${pinned}` : ''}`,
      fix,
    });
  }
  const busiest = writes.reduce((a, b) => (b.rate > a.rate ? b : a), writes[0]!);
  const idlest = writes.reduce((a, b) => (b.rate < a.rate ? b : a), writes[0]!);
  // Below 1 KiB/s a shard counts as 1 KiB/s, so an idle shard does not make the ratio infinite.
  const ratio = writes.length > 1 ? busiest.rate / Math.max(idlest.rate, 1024) : 0;
  if (busiest && busiest.rate >= t.writeSkewMinBytesPerSec && ratio >= t.skew) {
    const { pinned, fix } = skewFix(busiest.shard, pinnedTo);
    findings.push({
      code: 'WRITE_SKEW',
      severity: 'warning',
      node: 'fleet',
      stage: 11,
      message:
        idlest.rate < 1024
          ? `shard ${busiest.shard} writes ${mib(busiest.rate)}/s of WAL while shard ${idlest.shard} writes almost none: ${pinned || 'a hot key or an uneven bucket map'}`
          : `shard ${busiest.shard} takes ${ratio.toFixed(1)}× the writes of shard ${idlest.shard} (${mib(busiest.rate)}/s vs ${mib(idlest.rate)}/s of WAL): ${pinned || 'a hot key or an uneven bucket map'}`,
      fix,
    });
  }
  return findings;
}
