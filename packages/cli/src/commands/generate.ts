import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CodegenError,
  generate,
  loadConfig,
  resolveConfig,
  staleFiles,
  writeOutputs,
} from '@drizzle-shard/codegen';
import { parseCommand } from '../args.ts';
import type { Output } from '../output.ts';

export const GENERATE_HELP = `drizzle-shard generate [--config FILE | --schema FILE… --queries GLOB… --out DIR] [--check] [--fail-on-scatter] [--fail-on-fanout] [--strict] [--url URL]

Config: drizzle-shard.config.ts (export default defineConfig({ schema, queries, out })), else the
schema of drizzle.config.ts, else the flags.

Reads the schema and the app's queries; writes to the config's \`out\` folder:
  helpers.ts          key-bound query helpers per sharded table (ordersOf(db, userId).find())
  indexes.sql/.json   recommended composite indexes (shard key first), with the queries behind them
  index-snippets.md   the same as drizzle index() calls to paste into the schema
  scatter.md          errors: statements that throw at run time (a query or insert on a sharded
                      table without its key, a transaction on the top-level db); the cost list of
                      explicit db.allShards() fan-outs; what to check by hand

  --check            write nothing; exit 1 when any output is stale (for CI)
  --fail-on-scatter  exit 1 when scatter.md lists errors (statements that throw at run time)
  --fail-on-fanout   exit 1 when some query fans out on purpose (db.allShards()) too
  --url URL          a database with the app's data (one shard): index benefits are estimated
                     from its planner statistics instead of the query shape
  --strict           schema rule violations (key missing from a primary/unique key, nullable
                     shard key, foreign key across shard groups) are errors: exit 1
Exit codes: 0 ok, 1 stale, errors or fan-outs (as asked), 2 bad config/schema/source.
`;

function lineDiff(before: string, after: string): string {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  const added = [...b].filter((l) => !a.has(l)).length;
  const removed = [...a].filter((l) => !b.has(l)).length;
  return `+${added} −${removed} lines`;
}

export async function generateCommand(
  argv: readonly string[],
  io: { out: Output; err: Output },
  cwd: string,
): Promise<number> {
  const { values } = parseCommand('generate', GENERATE_HELP, {
    args: [...argv],
    options: {
      config: { type: 'string' },
      schema: { type: 'string', multiple: true },
      queries: { type: 'string', multiple: true },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
      'fail-on-scatter': { type: 'boolean', default: false },
      'fail-on-fanout': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out.write(GENERATE_HELP);
    return 0;
  }
  try {
    const config = values.schema
      ? resolveConfig(
          {
            schema: values.schema,
            queries: values.queries ?? ['src/**/*.ts'],
            out: values.out ?? 'drizzle-shard',
          },
          cwd,
        )
      : await loadConfig(cwd, values.config);
    const result = await generate(config, values.url ? { url: values.url } : {});
    const sharded = result.tables.filter((t) => t.sharding === 'sharded').length;
    io.out.write(
      `${result.tables.length} tables (${sharded} sharded), ${result.patterns.length} queries read, ` +
        `${result.indexes.length} indexes recommended, ${result.errors.length} errors (statements that throw), ` +
        `${result.fanOuts.length} explicit fan-outs\n`,
    );
    const level = values.strict ? 'error' : 'warning';
    for (const a of result.schemaAdvice) io.err.write(`${level}: [${a.rule}] ${a.message}\n`);
    const outDir = path.relative(cwd, config.out) || '.';
    if (values.check) {
      const stale = staleFiles(result, config.out);
      for (const name of stale) {
        const file = path.join(config.out, name);
        const detail = existsSync(file)
          ? lineDiff(readFileSync(file, 'utf8'), result.files.get(name)!)
          : 'missing';
        io.err.write(`stale: ${path.join(outDir, name)} (${detail})\n`);
      }
      if (stale.length) {
        io.err.write('Run `drizzle-shard generate` and commit the result.\n');
        return 1;
      }
      io.out.write(`${outDir}: up to date\n`);
    } else {
      const written = writeOutputs(result, config.out);
      io.out.write(
        written.length
          ? `wrote ${written.map((n) => path.join(outDir, n)).join(', ')}\n`
          : `${outDir}: already up to date\n`,
      );
    }
    let failed = false;
    if ((values['fail-on-scatter'] || values['fail-on-fanout']) && result.errors.length) {
      for (const e of result.errors)
        io.err.write(`error: ${e.location.file}:${e.location.line} ${e.message}\n`);
      failed = true;
    }
    if (values['fail-on-fanout'] && result.fanOuts.length) {
      for (const p of result.fanOuts)
        io.err.write(`fan-out: ${p.location.file}:${p.location.line} (${p.table}, db.allShards())\n`);
      failed = true;
    }
    if (failed) return 1;
    return values.strict && result.schemaAdvice.length ? 1 : 0;
  } catch (error) {
    if (error instanceof CodegenError) {
      io.err.write(`drizzle-shard generate: ${error.message} [${error.code}]\n`);
      return 2;
    }
    throw error;
  }
}
