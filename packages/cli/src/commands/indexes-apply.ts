import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CodegenError, type IndexRecommendation, loadConfig } from '@drizzle-shard/codegen';
import { applyIndexes } from '@drizzle-shard/ops';
import { redactUrl } from 'drizzle-shard';
import { parseCommand, UsageError } from '../args.ts';
import type { Output } from '../output.ts';
import { primaryUrls } from '../primaries.ts';

export const INDEXES_APPLY_HELP = `drizzle-shard indexes apply --url PRIMARY_URL [--url …] [--from indexes.json] [--config FILE]

Creates the recommended indexes (from \`drizzle-shard generate\`) on every shard primary: one at a
time per shard, CREATE INDEX CONCURRENTLY outside any transaction, then checks pg_index that each
is valid (an INVALID leftover of a failed build is dropped and built again).
Primaries: --url (once per shard, in shard order) or DRIZZLE_SHARD_PRIMARIES (comma-separated).
Exit codes: 0 every index valid everywhere, 1 some failed (see the report), 2 bad input.
`;

export async function indexesApplyCommand(
  argv: readonly string[],
  io: { out: Output; err: Output },
  cwd: string,
): Promise<number> {
  const { values } = parseCommand('indexes apply', INDEXES_APPLY_HELP, {
    args: [...argv],
    options: {
      url: { type: 'string', multiple: true },
      from: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(INDEXES_APPLY_HELP);
    return 0;
  }
  const urls = primaryUrls(values.url);
  if (urls.length === 0) {
    throw new UsageError('indexes apply', 'give the shard primaries with --url', INDEXES_APPLY_HELP);
  }
  let file: string;
  try {
    file = values.from
      ? path.resolve(cwd, values.from)
      : path.join((await loadConfig(cwd, values.config)).out, 'indexes.json');
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    io.err.write(`drizzle-shard indexes apply: ${error.message} (or pass --from indexes.json)\n`);
    return 2;
  }
  if (!existsSync(file)) {
    io.err.write(`drizzle-shard indexes apply: ${file} not found; run \`drizzle-shard generate\` first.\n`);
    return 2;
  }
  const { indexes } = JSON.parse(readFileSync(file, 'utf8')) as { indexes: IndexRecommendation[] };
  io.out.write(`${indexes.length} index(es) on ${urls.length} shard(s)\n`);
  const report = await applyIndexes(
    indexes,
    urls.map((url, shard) => ({ shard, url })),
    {
      onProgress: (e) => {
        if (e.state === 'start') return;
        const detail = e.state === 'failed' ? `FAILED: ${e.error?.message}` : e.outcome;
        io.out.write(`  shard ${e.shard} ${e.index}: ${detail} (${Math.round(e.elapsedMs)} ms)\n`);
      },
    },
  );
  if (report.ok) {
    io.out.write(`every index is valid on every shard (${Math.round(report.elapsedMs)} ms)\n`);
    return 0;
  }
  io.err.write(
    `failed on shard(s) ${report.failedShards.join(', ')}: ${report.failedShards.map((s) => redactUrl(urls[s]!)).join(', ')}. Fix the cause and run again (valid indexes are skipped).\n`,
  );
  return 1;
}
