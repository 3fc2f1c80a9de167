/** Settings every kit server gets; small memory so 12 servers fit on a 2-core machine. */
export const BASE_SETTINGS: Readonly<Record<string, string | number>> = {
  listen_addresses: "'127.0.0.1'",
  unix_socket_directories: "''",
  shared_buffers: "'16MB'",
  work_mem: "'4MB'",
  maintenance_work_mem: "'32MB'",
  max_connections: 100,
  wal_level: 'logical',
  max_wal_senders: 16,
  max_replication_slots: 16,
  // Replicas refuse to start with a lower value than their primary: every node gets the same.
  max_prepared_transactions: 32,
  max_worker_processes: 16,
  max_logical_replication_workers: 8,
  hot_standby: 'on',
  hot_standby_feedback: 'on',
  wal_keep_size: "'128MB'",
  wal_receiver_status_interval: "'1s'",
  // Test data is disposable: trade durability for start-up and write speed.
  fsync: 'off',
  full_page_writes: 'off',
  synchronous_commit: 'off',
  logging_collector: 'off',
  log_min_messages: 'warning',
  dynamic_shared_memory_type: 'posix',
  track_io_timing: 'on',
};

/** File (in the data dir) that runtime controls rewrite, included last so it wins. */
export const RUNTIME_CONF = 'drizzle_shard_runtime.conf';

/** postgresql.conf for one node: base settings, caller overrides, its port, then the runtime include. */
export function postgresqlConf(
  port: number,
  overrides: Readonly<Record<string, string | number>> = {},
): string {
  const settings = { ...BASE_SETTINGS, ...normalise(overrides), port };
  const lines = Object.entries(settings).map(([k, v]) => `${k} = ${v}`);
  return `# written by @drizzle-shard/testing\n${lines.join('\n')}\ninclude_if_exists = '${RUNTIME_CONF}'\n`;
}

/** Accepts plain values from callers (`'64MB'`, `200`) and quotes strings as postgresql.conf wants. */
function normalise(overrides: Readonly<Record<string, string | number>>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(overrides).map(([k, v]) => [
      k,
      typeof v === 'number' || /^'.*'$/.test(v) || /^(on|off|true|false)$/.test(v) ? v : `'${v}'`,
    ]),
  );
}
