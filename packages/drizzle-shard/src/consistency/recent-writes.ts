import type { WriteMark } from './token.ts';

/**
 * This instance's memory of recent writes per session key (the seed's in-process map), bounded:
 * the least recently written keys are forgotten first. Tokens carry the same marks across
 * instances; this map makes `db.session({ key })` work without one inside a single process.
 */
export class RecentWrites {
  private readonly byKey = new Map<string, Map<number, WriteMark>>();

  constructor(private readonly capacity = 100_000) {}

  get(key: string): ReadonlyMap<number, WriteMark> | undefined {
    return this.byKey.get(key);
  }

  record(key: string, mark: WriteMark): void {
    const marks = this.byKey.get(key) ?? new Map<number, WriteMark>();
    this.byKey.delete(key);
    marks.set(mark.shard, mark);
    this.byKey.set(key, marks);
    if (this.byKey.size > this.capacity) this.byKey.delete(this.byKey.keys().next().value!);
  }
}
