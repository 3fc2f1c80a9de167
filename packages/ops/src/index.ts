export {
  MigrateError,
  type MigrateReport,
  migrateShards,
  type ShardMigrationResult,
  type ShardTarget,
} from './migrate/migrate-shards.ts';
export { type MigrateStatus, migrateStatus, type ShardStatus } from './migrate/migrate-status.ts';
