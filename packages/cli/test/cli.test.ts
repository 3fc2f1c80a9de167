import { describe, expect, it } from 'vitest';
import { run } from '../src/index.ts';

function capture() {
  let text = '';
  return {
    write: (t: string) => (text += t),
    get text() {
      return text;
    },
  };
}

describe('drizzle-shard CLI', () => {
  it('prints help with exit 0 and refuses an unknown command with exit 2', async () => {
    const out = capture();
    const err = capture();
    expect(await run(['help'], { out, err })).toBe(0);
    expect(out.text).toContain('Usage: drizzle-shard');
    expect(await run(['frobnicate'], { out, err })).toBe(2);
    expect(err.text).toContain("unknown command 'frobnicate'");
  });
});
