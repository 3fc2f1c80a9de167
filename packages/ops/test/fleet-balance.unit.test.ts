import { describe, expect, it } from 'vitest';
import { skewFindings } from '../src/doctor/fleet-balance.ts';
import { DEFAULT_THRESHOLDS } from '../src/doctor/thresholds.ts';

const MiB = 1024 ** 2;
const sizes = [
  { shard: 0, bytes: 10 * MiB },
  { shard: 1, bytes: 10 * MiB },
  { shard: 2, bytes: 80 * MiB },
];
const writes = [
  { shard: 0, rate: 0 },
  { shard: 1, rate: 0 },
  { shard: 2, rate: 50 * MiB },
];
const t = { ...DEFAULT_THRESHOLDS, skew: 2, writeSkewMinBytesPerSec: 1024 };

describe('skew findings', () => {
  it('advise a bucket rebalance for a skewed shard without pinned tenants', () => {
    const findings = skewFindings(sizes, writes, t);
    expect(findings.map((f) => f.code)).toEqual(['SHARD_SKEW', 'WRITE_SKEW']);
    expect(findings[0]!.message).not.toContain('pinned');
    expect(findings[0]!.fix).toContain('rebalance buckets');
    expect(findings[1]!.message).toContain('a hot key or an uneven bucket map');
  });

  it('name the pinned tenant on a skewed shard and do not advise a rebalance that cannot move it', () => {
    const pinned = (shard: number) => (shard === 2 ? [{ key: 42, shard: 2 }] : []);
    const [size, write] = skewFindings(sizes, writes, t, pinned);
    expect(size!.message).toContain('it holds pinned tenant 42');
    expect(write!.message).toContain('writes almost none: pinned tenant 42');
    for (const f of [size!, write!]) {
      expect(f.fix).not.toContain('rebalance buckets');
      expect(f.fix).toContain('a bucket rebalance will not even this out');
    }
  });
});
