import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * Bad command-line input. `run()` prints the message as one line, then the command's usage
 * (its help up to the first blank line), and exits 2; nothing has been changed.
 *
 * @example
 * throw new UsageError('dev up', "--shards must be a whole number of at least 1, not 'abc'", DEV_HELP);
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    /** The command as typed, e.g. `split cutover`. */
    readonly command: string,
    message: string,
    /** The command's whole help text; its synopsis is printed with the message. */
    readonly help: string,
  ) {
    super(message);
  }

  /** The problem line, the synopsis, and where the whole help is. */
  render(): string {
    const synopsis = this.help.split('\n\n')[0]!.trimEnd();
    const name = this.command.split(' ')[0];
    return `drizzle-shard ${this.command}: ${this.message}\nUsage:\n${synopsis.replace(/^/gm, '  ')}\nRun 'drizzle-shard ${name} --help' for the options.\n`;
  }
}

/** node:util's parse errors, reworded: the option or argument, and what is wrong with it. */
function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message: string };
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return quoted.endsWith('<value>')
        ? `${quoted.replace(/ <value>$/, '')} needs a value`
        : `${quoted.split(' ')[0]} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}'`;
    default:
      return message;
  }
}

/**
 * `parseArgs` in strict mode, its errors turned into a UsageError for `command`: every command
 * parses through here, so unknown options, missing values and stray arguments read the same.
 *
 * @example
 * const { values } = parseCommand('doctor', DOCTOR_HELP, { args: argv, options: { json: { type: 'boolean' } } });
 */
export function parseCommand<const T extends ParseArgsConfig>(
  command: string,
  help: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>({ ...config, strict: true });
  } catch (error) {
    throw new UsageError(command, describeParseError(error), help);
  }
}

/**
 * A numeric option's value, checked: undefined when the option was not given, else a number
 * at least `min` (a whole number unless `fraction`). Anything else is a UsageError naming it.
 */
export function numberOption(
  value: string | undefined,
  flag: string,
  usage: { command: string; help: string },
  { min = 1, fraction = false }: { min?: number; fraction?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const shaped = fraction ? /^\d+(\.\d+)?$/.test(value) : /^\d+$/.test(value);
  if (!shaped || !Number.isFinite(n) || n < min) {
    throw new UsageError(
      usage.command,
      `${flag} must be ${fraction ? 'a number' : 'a whole number'} of at least ${min}, not '${value}'`,
      usage.help,
    );
  }
  return n;
}
