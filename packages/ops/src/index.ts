export { type DoctorShard, runDoctor } from './doctor/doctor.ts';
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
