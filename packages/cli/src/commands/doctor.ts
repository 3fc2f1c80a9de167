import { parseArgs } from 'node:util';
import { runDoctor } from '@drizzle-shard/ops';
import type { Output } from '../output.ts';

export const DOCTOR_HELP = `drizzle-shard doctor --shard PRIMARY_URL[,REPLICA_URL…] [--shard …] [--json] [--large-table-mb N]

Measures every node as the seed did by hand — connections in use vs max_connections, replica lag,
tables read by sequential scans, the largest tables, data skew between shards, prepared
transactions left behind, invalid indexes — and says which stage of the seed's path the system
is at and what to do next. Read-only.
Exit codes: 0 healthy, 1 warnings over thresholds, 2 a node cannot be reached.
`;

export async function doctorCommand(argv: readonly string[], io: { out: Output; err: Output }) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      shard: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'large-table-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(DOCTOR_HELP);
    return 0;
  }
  if (!values.shard?.length) {
    io.err.write(`drizzle-shard doctor: give each shard with --shard PRIMARY[,REPLICA…].\n\n${DOCTOR_HELP}`);
    return 2;
  }
  const shards = values.shard.map((s) => {
    const [primary, ...replicas] = s.split(',');
    return { primary: primary!, replicas };
  });
  const largeMb = values['large-table-mb'] ? Number(values['large-table-mb']) : undefined;
  const report = await runDoctor(shards, largeMb ? { tableBytes: largeMb * 1024 * 1024 } : {});
  if (values.json) io.out.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    for (const n of report.nodes) {
      const detail = n.reachable
        ? n.connections
          ? `${n.connections.used}/${n.connections.max} connections, ${(n.sizeBytes! / 1024 ** 2).toFixed(0)} MiB`
          : 'reachable'
        : `UNREACHABLE: ${n.error}`;
      io.out.write(`  ${n.node}: ${detail}\n`);
    }
    for (const f of report.findings)
      io.out.write(`  ! [${f.code}] ${f.node}: ${f.message}\n      fix: ${f.fix}\n`);
    if (report.stage)
      io.out.write(`Stage ${report.stage.number} (${report.stage.name}): ${report.stage.next}.\n`);
    else if (report.ok) io.out.write('Healthy: nothing over the thresholds.\n');
  }
  return report.unreachable.length ? 2 : report.ok ? 0 : 1;
}
