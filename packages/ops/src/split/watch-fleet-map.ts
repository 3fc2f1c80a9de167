import { unwatchFile, watchFile } from 'node:fs';
import { type FleetMapFile, readFleetMap } from './map-file.ts';

export interface FleetMapWatch {
  /** The newest version seen so far. */
  readonly current: FleetMapFile | undefined;
  close(): void;
}

/**
 * Calls `onChange` with each newer version of the fleet-map file (`split cutover`, `reshard
 * cutover` and rollbacks write one), checking the file every `intervalMs` (default 500 ms; the
 * file is replaced by rename, which stat polling sees on every file system). A file that cannot
 * be read or parsed at the moment is skipped until the next change: the app keeps its map.
 *
 * @example
 * let db = openDb(readFleetMap(file)!);
 * const watch = watchFleetMap(file, async (map) => { const old = db; db = openDb(map); await old.close({ timeout: 5 }); });
 */
export function watchFleetMap(
  file: string,
  onChange: (map: FleetMapFile) => void,
  { intervalMs = 500 }: { intervalMs?: number } = {},
): FleetMapWatch {
  let current = safeRead(file);
  const check = () => {
    const next = safeRead(file);
    if (next && next.version > (current?.version ?? 0)) {
      current = next;
      onChange(next);
    }
  };
  watchFile(file, { interval: intervalMs, persistent: false }, check);
  return {
    get current() {
      return current;
    },
    close: () => unwatchFile(file, check),
  };
}

function safeRead(file: string): FleetMapFile | undefined {
  try {
    return readFleetMap(file);
  } catch {
    return undefined;
  }
}
