import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../src/index.ts';

/** A promise the test settles by hand, so the order of events is the test's, not the clock's. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and starts the next item as soon as a slot frees', async () => {
    const gates = [0, 1, 2, 3, 4].map(() => gate<string>());
    const started: number[] = [];
    const done = mapWithConcurrency(gates, 2, (g, i) => {
      started.push(i);
      return g.promise;
    });
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1]!.open('b'); // the second finishes first: its slot takes item 2, item 0 still runs
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open('a');
    gates[2]!.open('c');
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[4]!.open('e');
    gates[3]!.open('d');
    expect(await done).toEqual(['a', 'b', 'c', 'd', 'e']); // input order, not completion order
  });

  it('runs every item at once when the limit is at least the item count, and nothing for no items', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([1, 2, 3], 10, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await settle();
      inFlight--;
      return n * 2;
    });
    expect(results).toEqual([2, 4, 6]);
    expect(most).toBe(3);
    expect(await mapWithConcurrency([], 1, async () => 1)).toEqual([]);
  });

  it('runs a single item directly, passing its index and its rejection through', async () => {
    expect(await mapWithConcurrency(['x'], 4, async (item, i) => `${item}${i}`)).toEqual(['x0']);
    await expect(
      mapWithConcurrency(['x'], 1, async () => {
        throw new Error('the only shard failed');
      }),
    ).rejects.toThrow('the only shard failed');
  });

  it('after a rejection starts no further item, waits for the calls in flight, then throws the first error', async () => {
    const slow = gate<string>();
    const started: number[] = [];
    let slowSettled = false;
    const done = mapWithConcurrency(['slow', 'fails', 'never', 'never'], 2, async (item, i) => {
      started.push(i);
      if (item === 'slow') {
        const value = await slow.promise;
        slowSettled = true;
        return value;
      }
      if (item === 'fails') throw new Error('shard 1 is down');
      return item;
    });
    let rejected = false;
    done.catch(() => {
      rejected = true;
    });
    await settle();
    expect(started).toEqual([0, 1]);
    expect(rejected).toBe(false); // the slow call is still in flight
    slow.open('late');
    await expect(done).rejects.toThrow('shard 1 is down');
    expect(slowSettled).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('refuses a limit that is not a whole number ≥ 1 with CONFIG_INVALID', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await expect(mapWithConcurrency([1], limit, async (n) => n)).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
    }
  });
});
