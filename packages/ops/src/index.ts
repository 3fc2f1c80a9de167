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
export { ApplyIndexError, type ApplyIndexErrorCode } from './indexes/apply-index-error.ts';
export { applyIndexes } from './indexes/apply-indexes.ts';
export { APPLY_APPLICATION_NAME } from './indexes/apply-on-shard.ts';
export type {
  ApplyIndexesOptions,
  ApplyProgressEvent,
  ApplyReport,
  IndexApplyFailure,
  IndexApplyResult,
  IndexOutcome,
  ShardApplyReport,
} from './indexes/apply-report.ts';
export {
  MigrateError,
  type MigrateReport,
  migrateShards,
  type ShardMigrationResult,
} from './migrate/migrate-shards.ts';
export { type MigrateStatus, migrateStatus, type ShardStatus } from './migrate/migrate-status.ts';
export { OpsError } from './ops-error.ts';
export {
  openReshard,
  type ReshardConnections,
  type ReshardStartOptions,
  startReshard,
} from './reshard/reshard.ts';
export {
  type ReshardCutoverOptions,
  type ReshardCutoverReport,
  reshardCutover,
} from './reshard/reshard-cutover.ts';
export { ReshardError, type ReshardErrorCode } from './reshard/reshard-error.ts';
export {
  isFlipped,
  planFromFleetMap,
  planRepin,
  planReshard,
  planShrink,
  type ReshardPlan,
  repinPlanFromFleetMap,
  type ShardMove,
  shrinkPlanFromFleetMap,
} from './reshard/reshard-plan.ts';
export { type MoveState, moveStates } from './reshard/reshard-replication.ts';
export { reshardRollback } from './reshard/reshard-rollback.ts';
export { verifyMoves } from './reshard/reshard-verify.ts';
export type { ShardTarget } from './shard-target.ts';
export { type CutoverReport, cutover, rollback } from './split/cutover.ts';
export { driverLayout, type FleetMapFile, readFleetMap, writeFleetMap } from './split/map-file.ts';
export { checkSourceVersion } from './split/preflight.ts';
export {
  isSynced,
  type SubscriptionState,
  syncStates,
  type TableCopy,
  type TargetSyncState,
} from './split/replication.ts';
export { openSplit, type SplitConnections, type StartOptions, startSplit } from './split/split.ts';
export { SplitError, type SplitErrorCode } from './split/split-error.ts';
export { checkMapKeys, type SplitPlan, type SplitTable } from './split/split-plan.ts';
export { describeProblem, type VerifyProblem, type VerifyReport, verifySplit } from './split/verify.ts';
export { type FleetMapWatch, watchFleetMap } from './split/watch-fleet-map.ts';
