import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type IndexRecommendation, loadConfig } from '@drizzle-shard/codegen';
import { type DoctorReport, readFleetMap, runDoctor } from '@drizzle-shard/ops';
import { ShardMap } from 'drizzle-shard';
import { numberOption, parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';

export const DOCTOR_HELP = `drizzle-shard doctor --shard PRIMARY_URL[,REPLICA_URL…] [--shard …] [--pgbouncer URL …] [--json]
                     [--indexes indexes.json | --config FILE] [--large-table-mb N] [--sample-seconds N]
                     [--map drizzle-shard.map.json]

Measures every node as the seed did by hand — connections in use vs max_connections, replica lag,
PgBouncer pools (--pgbouncer, once per shard in shard order: clients waiting for a server
connection), tables read by sequential scans and the recommended indexes they lack (from \`drizzle-shard
generate\`'s indexes.json: --indexes, or the config's out folder), the largest tables, data size
and write rate per shard (skew), prepared transactions left behind, invalid indexes — and says
which stage of the seed's path the system is at and what to do next. With --map (the fleet map a
split or reshard wrote), a skewed shard holding a pinned tenant is named as such. Read-only.
Exit codes: 0 healthy, 1 warnings over thresholds, 2 a node cannot be reached.
`;

/** The codegen's recommendations: --indexes, else the config's out/indexes.json when there is one. */
async function recommendedIndexes(
  cwd: string,
  file?: string,
  config?: string,
): Promise<IndexRecommendation[]> {
  let json = file ? path.resolve(cwd, file) : undefined;
  if (!json) {
    try {
      json = path.join((await loadConfig(cwd, config)).out, 'indexes.json');
    } catch (error) {
      if (config) throw error;
      return []; // no config here: the doctor works without recommendations
    }
  }
  if (!existsSync(json)) {
    if (file || config) throw new Error(`${json} not found; run \`drizzle-shard generate\` first`);
    return [];
  }
  return (JSON.parse(readFileSync(json, 'utf8')) as { indexes: IndexRecommendation[] }).indexes;
}

const paint = (on: boolean, code: number, text: string) => (on ? `\x1b[${code}m${text}\x1b[0m` : text);

function printReport(report: DoctorReport, out: Output) {
  const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
  for (const n of report.nodes) {
    const detail = n.reachable
      ? n.pools
        ? `${n.pools.clientsActive} clients active, ${n.pools.clientsWaiting} waiting; ${n.pools.serversActive} server connections busy, ${n.pools.serversIdle} idle`
        : n.connections
          ? `${n.connections.used}/${n.connections.max} connections, ${(n.sizeBytes! / 1024 ** 2).toFixed(0)} MiB, ${((n.writeBytesPerSec ?? 0) / 1024).toFixed(0)} KiB/s of WAL`
          : 'reachable'
      : paint(color, 31, `UNREACHABLE: ${n.error}`);
    out.write(`  ${n.node}: ${detail}\n`);
  }
  for (const f of report.findings) {
    out.write(`  ${paint(color, 33, `! [${f.code}]`)} ${f.node}: ${f.message}\n      fix: ${f.fix}\n`);
  }
  if (report.stage) {
    out.write(
      `${paint(color, 1, `Stage ${report.stage.number} (${report.stage.name}): ${report.stage.next}.`)}\n`,
    );
  } else if (report.ok) out.write(`${paint(color, 32, 'Healthy')}: nothing over the thresholds.\n`);
}

/** The shard map of a fleet map file (a single database's has no pinned tenants either). */
function fleetShardMap(file: string): ShardMap {
  const fleet = readFleetMap(file);
  if (!fleet) throw new Error(`No fleet map at ${file}.`);
  return ShardMap.fromJSON(fleet.map);
}

export async function doctorCommand(argv: readonly string[], io: { out: Output; err: Output }, cwd: string) {
  const { values } = parseCommand('doctor', DOCTOR_HELP, {
    args: [...argv],
    options: {
      shard: { type: 'string', multiple: true },
      pgbouncer: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      indexes: { type: 'string' },
      config: { type: 'string' },
      'large-table-mb': { type: 'string' },
      'sample-seconds': { type: 'string' },
      map: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(DOCTOR_HELP);
    return 0;
  }
  const usage = { command: 'doctor', help: DOCTOR_HELP };
  const largeMb = numberOption(values['large-table-mb'], '--large-table-mb', usage, {
    min: 0,
    fraction: true,
  });
  const sampleSeconds = numberOption(values['sample-seconds'], '--sample-seconds', usage, {
    min: 0,
    fraction: true,
  });
  if (!values.shard?.length) {
    throw new UsageError('doctor', 'give each shard with --shard PRIMARY[,REPLICA…]', DOCTOR_HELP);
  }
  const bouncers = values.pgbouncer ?? [];
  if (bouncers.length > values.shard.length) {
    throw new UsageError('doctor', 'more --pgbouncer than --shard; give them in shard order', DOCTOR_HELP);
  }
  const shards = values.shard.map((s, i) => {
    const [primary, ...replicas] = s.split(',');
    return { primary: primary!, replicas, ...(bouncers[i] ? { pgbouncer: bouncers[i] } : {}) };
  });
  let indexes: IndexRecommendation[];
  let map: ShardMap | undefined;
  try {
    indexes = await recommendedIndexes(cwd, values.indexes, values.config);
    map = values.map ? fleetShardMap(path.resolve(cwd, values.map)) : undefined;
  } catch (error) {
    io.err.write(`drizzle-shard doctor: ${(error as Error).message}\n`);
    return 2;
  }
  const report = await runDoctor(shards, largeMb !== undefined ? { tableBytes: largeMb * 1024 * 1024 } : {}, {
    indexes,
    ...(map ? { map } : {}),
    ...(sampleSeconds !== undefined ? { sampleMs: sampleSeconds * 1000 } : {}),
  });
  if (values.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  else printReport(report, io.out);
  return report.unreachable.length ? 2 : report.ok ? 0 : 1;
}
