import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TestKitError } from '../errors.ts';

const V1_ROOT = '/sys/fs/cgroup/cpu';
/** cgroup v1 keeps CPU accounting in its own hierarchy unless it is mounted together with `cpu`. */
const V1_ACCT_ROOT = '/sys/fs/cgroup/cpuacct';
const V2_ROOT = '/sys/fs/cgroup';
const PERIOD_US = 100_000;

type Flavour = { version: 1; root: string } | { version: 2; root: string };

function flavour(): Flavour {
  if (existsSync(join(V1_ROOT, 'cpu.cfs_quota_us'))) return { version: 1, root: V1_ROOT };
  const controllers = join(V2_ROOT, 'cgroup.controllers');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) {
    return { version: 2, root: V2_ROOT };
  }
  throw new TestKitError(
    'KIT_CPU_QUOTA_UNSUPPORTED',
    'cpuQuota needs a writable cgroup CPU controller: cgroup v1 (/sys/fs/cgroup/cpu/cpu.cfs_quota_us) or v2 (cpu in /sys/fs/cgroup/cgroup.controllers), and root. Neither is available here; run without cpuQuota.',
  );
}

/** Direct children of `pid`, from /proc (the postmaster's background workers and backends). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return children;
}

/** CPU a server's group used since it was made, and how often its quota stopped it. */
export interface CpuUsage {
  /** CPU time of every process in the group (postmaster, background workers, backends), seconds. */
  readonly cpuSeconds: number;
  /** Quota periods in which the group ran, and those in which it used its whole quota. */
  readonly periods: number;
  readonly throttledPeriods: number;
}

function statFields(file: string): Record<string, number> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([key, value]) => [key, Number(value)]),
  );
}

/**
 * A CPU limit for one server: a cgroup with `cpus` CPUs of quota per 100 ms period, holding the
 * postmaster and its processes (backends forked later inherit it). Models a fixed-size machine.
 */
export class CpuQuota {
  readonly dir: string;
  private readonly flavour: Flavour;
  /** v1 with a separate cpuacct hierarchy: the group there that counts this server's CPU time. */
  private readonly acctDir?: string;

  constructor(
    group: string,
    name: string,
    readonly cpus: number,
  ) {
    if (!(cpus > 0) || cpus > 1024) {
      throw new TestKitError('KIT_BAD_OPTIONS', `cpuQuota must be a positive number of CPUs, got ${cpus}.`);
    }
    this.flavour = flavour();
    const parent = join(this.flavour.root, group);
    this.dir = join(parent, name);
    try {
      mkdirSync(this.dir, { recursive: true });
      const quota = Math.max(1000, Math.round(cpus * PERIOD_US));
      if (this.flavour.version === 1) {
        writeFileSync(join(this.dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(this.dir, 'cpu.cfs_quota_us'), String(quota));
        if (!existsSync(join(this.dir, 'cpuacct.usage')) && existsSync(join(V1_ACCT_ROOT, 'cpuacct.usage'))) {
          this.acctDir = join(V1_ACCT_ROOT, group, name);
          mkdirSync(this.acctDir, { recursive: true });
        }
      } else {
        writeFileSync(join(this.flavour.root, 'cgroup.subtree_control'), '+cpu');
        writeFileSync(join(parent, 'cgroup.subtree_control'), '+cpu');
        writeFileSync(join(this.dir, 'cpu.max'), `${quota} ${PERIOD_US}`);
      }
    } catch (error) {
      throw new TestKitError(
        'KIT_CPU_QUOTA_UNSUPPORTED',
        `Could not set up the CPU cgroup ${this.dir} (${(error as Error).message}); cpuQuota needs root and a writable cgroup CPU controller.`,
      );
    }
  }

  /** Moves a running server (its postmaster, from postmaster.pid, and every child) into the group. */
  attach(dataDir: string): void {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    for (const p of [pid, ...childrenOf(pid)]) {
      for (const dir of this.acctDir ? [this.dir, this.acctDir] : [this.dir]) {
        try {
          writeFileSync(join(dir, 'cgroup.procs'), String(p));
        } catch {
          // A worker that exited in the meantime.
        }
      }
    }
  }

  /** CPU used by the group so far (cumulative: take the difference of two readings). */
  usage(): CpuUsage {
    const stat = statFields(join(this.dir, 'cpu.stat'));
    const periods = { periods: stat.nr_periods ?? 0, throttledPeriods: stat.nr_throttled ?? 0 };
    if (this.flavour.version === 2) return { cpuSeconds: (stat.usage_usec ?? 0) / 1e6, ...periods };
    const nanoseconds = Number(readFileSync(join(this.acctDir ?? this.dir, 'cpuacct.usage'), 'utf8'));
    return { cpuSeconds: nanoseconds / 1e9, ...periods };
  }

  /** The group's folders, each before its parent: what `rmdir` must take once the server is gone. */
  folders(): string[] {
    return [this.dir, dirname(this.dir), ...(this.acctDir ? [this.acctDir, dirname(this.acctDir)] : [])];
  }

  /** Removes the group once its processes have exited (waits up to 5 s); quiet if it stays busy. */
  async remove(): Promise<void> {
    for (let i = 0; i < 100 && existsSync(this.dir); i++) {
      const procs = readFileSync(join(this.dir, 'cgroup.procs'), 'utf8').trim();
      if (procs === '') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const dir of this.folders()) {
      try {
        rmdirSync(dir);
      } catch {
        // Busy (other servers' groups, processes still exiting) or already gone.
      }
    }
  }
}
