export { startCluster } from './cluster.ts';
export type { Cluster, ClusterNode, ClusterOptions, ClusterShard } from './cluster-types.ts';
export { TestKitError, type TestKitErrorCode } from './errors.ts';
export { DEFAULT_DOCKER_IMAGE, dockerUnavailableReason } from './host/docker-host.ts';
export type { CpuUsage } from './limits/cpu-quota.ts';
export { runSql, waitForPort } from './node-sql.ts';
export { findPgBouncer } from './pgbouncer/binary.ts';
export type { PgBouncerOptions } from './pgbouncer/pgbouncer.ts';
export { embeddedPostgresBinDir, findPostgresBinaries, type PostgresBinaries } from './postgres/binaries.ts';
