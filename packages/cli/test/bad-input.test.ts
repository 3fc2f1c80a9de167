import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/index.ts';
import { capture } from './support/capture.ts';

/** Every command and subcommand as typed, with one of its string options (given last, without value). */
const COMMANDS: [command: string[], stringOption: string][] = [
  [['generate'], '--config'],
  [['doctor'], '--shard'],
  [['dev', 'up'], '--state'],
  [['dev', 'status'], '--state'],
  [['dev', 'down'], '--state'],
  [['migrate'], '--url'],
  [['migrate', 'status'], '--url'],
  ...['start', 'status', 'verify', 'cutover', 'rollback'].flatMap((step): [string[], string][] => [
    [['split', step], '--from'],
    [['reshard', step], '--map'],
  ]),
  [['archive'], '--table'],
  [['archive', 'query'], '--to'],
  [['indexes', 'apply'], '--from'],
];

/** Numeric options that get a non-number. */
const NUMBERS: string[][] = [
  ['dev', 'up', '--shards', 'abc'],
  ['dev', 'up', '--replicas', 'two'],
  ['doctor', '--shard', 'postgres://127.0.0.1:1/x', '--sample-seconds', 'abc'],
  ['doctor', '--shard', 'postgres://127.0.0.1:1/x', '--large-table-mb', '10MB'],
  ['archive', '--batch-size', 'abc'],
  ['archive', '--batch-size', '0'],
  ...['start', 'status', 'verify', 'cutover', 'rollback'].map((step) => ['reshard', step, '--to', 'abc']),
];

/** Runs the CLI in-process and checks the bad-input shape: exit 2, one problem line, the usage, no frames. */
async function expectBadInput(argv: string[], problem: RegExp) {
  const c = capture();
  expect(await run(argv, c.io, process.cwd()), argv.join(' ')).toBe(2);
  const err = c.err.join('');
  const [first, usage, ...rest] = err.split('\n');
  expect(first, argv.join(' ')).toMatch(problem);
  expect(usage, argv.join(' ')).toBe('Usage:');
  expect(rest.at(-2), argv.join(' ')).toMatch(/^Run 'drizzle-shard \w+ --help' for the options\.$/);
  expect(err, argv.join(' ')).not.toMatch(/^\s+at /m);
  expect(err).not.toContain('run the same command again');
  expect(c.out.join(''), argv.join(' ')).toBe('');
}

describe('bad input: one line naming the problem, the usage, exit 2, no stack', () => {
  it.each(COMMANDS)('%j: an unknown option', async (command) => {
    await expectBadInput([...command, '--bogus'], /^drizzle-shard [a-z ]+: unknown option '--bogus'$/);
  });

  it.each(COMMANDS)('%j: an option without its value', async (command, option) => {
    await expectBadInput(
      [...command, option],
      new RegExp(`^drizzle-shard [a-z ]+: ${option} needs a value$`),
    );
  });

  it.each(NUMBERS)('%j: a bad number', async (...argv) => {
    const [flag, value] = argv.slice(-2);
    await expectBadInput(argv, new RegExp(`^drizzle-shard [a-z ]+: ${flag} must be .* not '${value}'$`));
  });

  it('unknown actions and subcommands', async () => {
    await expectBadInput(
      ['dev', 'sideways'],
      /^drizzle-shard dev: unknown action 'sideways': up, down or status$/,
    );
    await expectBadInput(['dev'], /^drizzle-shard dev: give the action: up, down or status$/);
    await expectBadInput(['indexes', 'drop'], /^drizzle-shard indexes: unknown subcommand 'drop'/);
    await expectBadInput(
      ['split', 'sideways', '--from', 'x'],
      /^drizzle-shard split start: unexpected argument 'sideways'$/,
    );
    await expectBadInput(
      ['reshard', '--pin', 'acme'],
      /^drizzle-shard reshard start: --pin takes KEY=SHARD \(a shard number\), got "acme"$/,
    );
    await expectBadInput(
      ['reshard', '--pin', 'acme=3', '--add', 'postgres://127.0.0.1:1/x'],
      /^drizzle-shard reshard start: --pin moves pinned tenants on the same shards/,
    );
    await expectBadInput(
      ['split', '--from', 'x', '--to', 'y', '--pin', '7=0', '--modulo'],
      /^drizzle-shard split start: --pin pins tenants on top of hash buckets; drop --modulo$/,
    );
    await expectBadInput(
      ['archive', 'query', '--to', 'x.duckdb'],
      /^drizzle-shard archive query: give --to FILE and one SQL query$/,
    );
  });
});

describe('--help', () => {
  const every = [...COMMANDS.map(([command]) => command), ['dev'], ['split'], ['reshard'], ['indexes']];
  it.each(every)('%j --help: the help on stdout, exit 0', async (...command) => {
    for (const flag of ['--help', '-h']) {
      const c = capture();
      expect(await run([...command, flag], c.io, process.cwd()), `${command.join(' ')} ${flag}`).toBe(0);
      expect(c.out.join('')).toMatch(/^drizzle-shard /);
      expect(c.err).toEqual([]);
    }
  });

  it('the top-level help lists every command, aligned, and says reshard also shrinks', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(0);
    const help = c.out.join('');
    const rows = help.split('\n').filter((l) => /^ {2}[a-z]/.test(l));
    expect(rows.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
      'generate',
      'indexes apply',
      'doctor',
      'dev',
      'migrate',
      'split',
      'reshard',
      'archive',
      'help',
      'version',
    ]);
    expect(
      new Set(
        rows.map((l) => l.search(/(?<=\S)\s{2,}\S/) + l.slice(l.search(/(?<=\S)\s{2,}\S/)).search(/\S/)),
      ).size,
    ).toBe(1);
    expect(help).toMatch(/reshard +Grow or shrink/);
  });
});

describe('failures print one line; the stack only when asked for', () => {
  // Nothing listens on port 1: the status query fails with a connection error, not bad input.
  const folder = path.resolve(import.meta.dirname, '../../ops/test/fixtures/migrations');
  const argv = ['migrate', 'status', '--url', 'postgres://u:hunter2@127.0.0.1:1/x', '--migrations', folder];

  it('by default: one line, exit 1, no frames, no password', async () => {
    const c = capture();
    expect(await run(argv, c.io, process.cwd())).toBe(1);
    const err = c.err.join('');
    expect(err).toMatch(/^drizzle-shard migrate: .*ECONNREFUSED.*\n$/);
    expect(err).not.toMatch(/^\s+at /m);
    expect(err).not.toContain('hunter2');
  });

  it('--verbose adds the stack', async () => {
    const c = capture();
    await run([...argv, '--verbose'], c.io, process.cwd());
    expect(c.err.join('')).toMatch(/^\s+at /m);
  });
});
