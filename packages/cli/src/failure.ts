import { redactText } from 'drizzle-shard';
import { UsageError } from './args.ts';
import type { Output } from './output.ts';

/** Stack traces are for the people debugging the CLI: DEBUG=drizzle-shard (or `*`), or --verbose. */
export function wantsStack(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--verbose') || /(^|[\s,])(drizzle-shard|\*)([\s,]|$)/.test(env.DEBUG ?? '');
}

/**
 * What a command that threw prints, and its exit code: bad input is one line plus the usage
 * (exit 2); anything else is one line, credentials redacted (exit 1), with the stack only
 * when asked for.
 */
export function reportFailure(command: string, error: unknown, err: Output, stack: boolean): number {
  if (error instanceof UsageError) {
    err.write(error.render());
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  err.write(`drizzle-shard ${command}: ${redactText(message)}\n`);
  if (stack && error instanceof Error && error.stack) err.write(`${redactText(error.stack)}\n`);
  return 1;
}
