/** When the doctor warns; every value can be overridden. */
export interface DoctorThresholds {
  /** Share of max_connections in use. Default 0.8. */
  readonly connectionsShare: number;
  /** Replica replay lag. Defaults 5 s and 64 MiB. */
  readonly lagMs: number;
  readonly lagBytes: number;
  /** A table read mostly by sequential scans: at least this many rows and seq scans. */
  readonly seqScanRows: number;
  readonly seqScans: number;
  /** A table this big is an offload candidate. Default 1 GiB. */
  readonly tableBytes: number;
  /** Largest shard / smallest shard, by data size or commits. Default 1.5. */
  readonly skew: number;
  /** Write skew is reported only when the busiest shard writes at least this much WAL. Default 256 KiB/s. */
  readonly writeSkewMinBytesPerSec: number;
}

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  connectionsShare: 0.8,
  lagMs: 5_000,
  lagBytes: 64 * 1024 * 1024,
  seqScanRows: 10_000,
  seqScans: 50,
  tableBytes: 1024 ** 3,
  skew: 1.5,
  writeSkewMinBytesPerSec: 256 * 1024,
};
