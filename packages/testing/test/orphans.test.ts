import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventually, processesMentioning } from './support/processes.ts';

const fixture = fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url));

async function startChild(): Promise<{ child: ReturnType<typeof spawn>; dataRoot: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dataRoot = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { dataRoot: string }).dataRoot);
    });
    child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  return { child, dataRoot };
}

describe('no orphan servers when the process that started a cluster dies', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`${signal}: every server and PgBouncer stops and the data dirs are removed`, async () => {
      const { child, dataRoot } = await startChild();
      // 2 shards × (primary + replica), each with a PgBouncer.
      expect(processesMentioning(dataRoot).length).toBeGreaterThanOrEqual(8);
      // Where cgroups allow a CPU quota, each server also has a group under this one.
      const groups = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup']
        .map((root) => path.join(root, path.basename(dataRoot)))
        .filter(existsSync);
      child.kill(signal);
      const clean = await eventually(
        () => processesMentioning(dataRoot).length === 0 && ![dataRoot, ...groups].some(existsSync),
        20_000,
      );
      expect(processesMentioning(dataRoot)).toEqual([]);
      expect([dataRoot, ...groups].filter(existsSync)).toEqual([]);
      expect(clean).toBe(true);
    });
  }
});
