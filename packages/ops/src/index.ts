export { ArchiveError, type ArchiveErrorCode } from './archive/archive-error.ts';
export {
  type ArchiveOptions,
  type ArchiveProgress,
  type ArchiveReport,
  archiveTable,
  type ShardArchiveResult,
  storeFile,
} from './archive/archive-table.ts';
export { type BatchChecksum, checksumQuery } from './archive/checksum.ts';
export { DuckDbArchive, type LedgerEntry } from './archive/duckdb-store.ts';
export { describeSourceTable, type SourceTable } from './archive/source-table.ts';
export { type DoctorOptions, type DoctorShard, runDoctor } from './doctor/doctor.ts';
export type { DoctorReport, Finding, NodeReport } from './doctor/findings.ts';
export { DEFAULT_THRESHOLDS, type DoctorThresholds } from './doctor/thresholds.ts';
export {
  MigrateError,
  type MigrateReport,
  migrateShards,
  type ShardMigrationResult,
  type ShardTarget,
} from './migrate/migrate-shards.ts';
export { type MigrateStatus, migrateStatus, type ShardStatus } from './migrate/migrate-status.ts';
