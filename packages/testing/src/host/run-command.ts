import { spawn } from 'node:child_process';
import { TestKitError } from '../errors.ts';
import type { CommandResult } from './node-host.ts';

/** Runs a command to completion, capturing output; the error says what failed and shows stderr. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { allowFailure?: boolean; detached?: boolean } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // detached: servers started through pg_ctl must not share our process group, so a
    // Ctrl-C in the user's terminal does not reach them before our own cleanup does.
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error) =>
      reject(
        new TestKitError('KIT_COMMAND_FAILED', `Could not run ${command}: ${error.message}`, {
          command,
          args,
        }),
      ),
    );
    child.on('close', (code) => {
      const result = { stdout, stderr, exitCode: code ?? -1 };
      if (result.exitCode !== 0 && !options.allowFailure) {
        reject(commandFailed(command, args, result));
      } else {
        resolve(result);
      }
    });
  });
}

export function commandFailed(command: string, args: readonly string[], result: CommandResult): TestKitError {
  const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-15).join('\n');
  return new TestKitError(
    'KIT_COMMAND_FAILED',
    `${[command, ...args].join(' ')} exited with ${result.exitCode}:\n${tail}`,
    { command, args, exitCode: result.exitCode },
  );
}
