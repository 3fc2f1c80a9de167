import { Session } from 'node:inspector/promises';

/** The parts of a V8 `.cpuprofile` read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Runs `work` under the V8 sampling profiler of this process (sampling every 100 µs). */
export async function profiled(work: () => Promise<void>): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    return profile as unknown as CpuProfile;
  } finally {
    session.disconnect();
  }
}

/** Where a frame's code lives: this repo's package and folder, a dependency, or V8/Node itself. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const repo = /packages\/drizzle-shard\/src\/([^/]+)\//.exec(url);
  if (repo) return `drizzle-shard/${repo[1]}`;
  const dependency = /node_modules\/\.pnpm\/([^@/][^@/]*|@[^+/]+\+[^@/]+)@/.exec(url);
  if (dependency) return dependency[1]!.replace('+', '/');
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^.*\/(test|examples)\//, '$1/');
}

export interface TimeShare {
  readonly name: string;
  readonly ms: number;
}

/**
 * Self time (samples whose top frame is the function) and total time (samples with the function
 * anywhere on the stack, counted once) per function, and self time per area.
 */
export function timeShares(profile: CpuProfile): {
  self: TimeShare[];
  total: TimeShare[];
  areas: TimeShare[];
  ms: number;
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url
      ? `${f.url.replace(/^.*\/(node_modules\/\.pnpm\/|packages\/|test\/)/, '')}:${f.lineNumber + 1}`
      : '';
    return `${f.functionName || '(anonymous)'} ${file}`.trim();
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let ms = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    ms += dt;
    const f = byId.get(id)!.callFrame;
    add(self, label(id), dt);
    add(areas, areaOf(f.url, f.functionName), dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(at);
      if (!seen.has(name)) add(total, name, dt);
      seen.add(name);
    }
  });
  const sorted = (m: Map<string, number>) =>
    [...m].map(([name, v]) => ({ name, ms: v })).sort((a, b) => b.ms - a.ms);
  return { self: sorted(self), total: sorted(total), areas: sorted(areas), ms };
}
