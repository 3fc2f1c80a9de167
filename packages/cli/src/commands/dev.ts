import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Cluster } from '@drizzle-shard/testing';
import { numberOption, parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';
import { loadTestKit } from './load-test-kit.ts';

export const DEV_HELP = `drizzle-shard dev up|down|status [--shards 2] [--replicas 1] [--pgbouncer] [--state FILE]

  up      Starts a local cluster for development (system PostgreSQL binaries) and keeps it running
          in the foreground; prints the shardedDrizzle() config to paste. Ctrl-C stops it and
          removes its data.
  status  Shows the running cluster's nodes and config (exit 1 when none runs).
  down    Stops the cluster started by \`dev up\`.
State: --state (default .drizzle-shard/dev.json in the current folder).
`;

const ACTIONS = ['up', 'down', 'status'] as const;

interface DevState {
  readonly pid: number;
  readonly startedAt: string;
  readonly shards: { primary: string; replicas: string[]; pgbouncer?: string }[];
}

function configSnippet(state: DevState): string {
  const shards = state.shards
    .map(
      (s) =>
        `    { primary: '${s.primary}'${s.replicas.length ? `, replicas: [${s.replicas.map((r) => `'${r}'`).join(', ')}]` : ''} },`,
    )
    .join('\n');
  return `shardedDrizzle({\n  schema,\n  shards: [\n${shards}\n  ],\n});\n`;
}

function readState(file: string): DevState | undefined {
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as DevState;
  try {
    process.kill(state.pid, 0);
    return state;
  } catch {
    return undefined; // The process that started it is gone (and its reaper removed the cluster).
  }
}

export async function devCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  // `dev --help` and `dev up --help` both show the help; the action is the first word otherwise.
  const action = ACTIONS.find((a) => a === argv[0]);
  const command = action ? `dev ${action}` : 'dev';
  const { values } = parseCommand(command, DEV_HELP, {
    args: action ? argv.slice(1) : [...argv],
    allowPositionals: !action,
    options: {
      shards: { type: 'string', default: '2' },
      replicas: { type: 'string', default: '1' },
      pgbouncer: { type: 'boolean', default: false },
      state: { type: 'string', default: '.drizzle-shard/dev.json' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(DEV_HELP);
    return 0;
  }
  const usage = { command, help: DEV_HELP };
  const shards = numberOption(values.shards, '--shards', usage)!;
  const replicas = numberOption(values.replicas, '--replicas', usage, { min: 0 })!;
  if (!action) {
    const problem = argv[0] ? `unknown action '${argv[0]}'` : 'give the action';
    throw new UsageError('dev', `${problem}: up, down or status`, DEV_HELP);
  }
  const stateFile = path.resolve(cwd, values.state);
  const running = readState(stateFile);
  if (action === 'status') {
    if (!running) {
      io.out.write('no dev cluster is running (start one with `drizzle-shard dev up`)\n');
      return 1;
    }
    io.out.write(
      `dev cluster of process ${running.pid}, up since ${running.startedAt}:\n${configSnippet(running)}`,
    );
    return 0;
  }
  if (action === 'down') {
    if (!running) {
      io.out.write('no dev cluster is running\n');
      return 0;
    }
    process.kill(running.pid, 'SIGTERM');
    for (let i = 0; i < 300 && readState(stateFile); i++) await new Promise((r) => setTimeout(r, 100));
    io.out.write('dev cluster stopped\n');
    return 0;
  }
  if (running) {
    io.err.write(`a dev cluster already runs (process ${running.pid}); \`drizzle-shard dev down\` first.\n`);
    return 1;
  }
  const kit = await loadTestKit(io.err);
  if (!kit) return 1;
  io.out.write(
    `starting ${shards} shard(s) × (primary + ${replicas} replica(s))${values.pgbouncer ? ' with PgBouncer' : ''}…\n`,
  );
  const cluster: Cluster = await kit.startCluster({ shards, replicas, pgbouncer: values.pgbouncer });
  const state: DevState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    shards: cluster.shards.map((s) => ({
      primary: s.primary.url,
      replicas: s.replicas.map((r) => r.url),
      ...(s.primary.pgbouncerUrl ? { pgbouncer: s.primary.pgbouncerUrl } : {}),
    })),
  };
  mkdirSync(path.dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  io.out.write(
    `ready. Paste into your app:\n\n${configSnippet(state)}\nCtrl-C (or \`drizzle-shard dev down\`) stops it.\n`,
  );
  // Signal listeners alone do not keep Node running: hold the event loop until one arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  io.out.write('stopping…\n');
  await cluster.destroy();
  rmSync(stateFile, { force: true });
  return 0;
}
