import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, startCluster, TestKitError } from '../src/index.ts';

describe('bad input gives a typed error with an actionable message', () => {
  it('an unknown backend', async () => {
    const error = await startCluster({ backend: 'k8s' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TestKitError);
    expect(error).toMatchObject({ code: 'KIT_BACKEND_UNKNOWN' });
    expect((error as Error).message).toMatch(/local, docker/);
  });

  it('binaries missing where PG_BIN points', () => {
    expect(() => findPostgresBinaries({ PG_BIN: '/nonexistent/pg/bin' })).toThrowError(
      expect.objectContaining({ code: 'KIT_BINARIES_NOT_FOUND', message: expect.stringMatching(/PG_BIN/) }),
    );
  });

  it('a port already in use', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)),
    );
    try {
      const error = await startCluster({ basePort: port }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'KIT_PORT_IN_USE',
        message: expect.stringContaining(String(port)),
      });
    } finally {
      blocker.close();
    }
  });

  it('a server that cannot start: the error shows its log', async () => {
    const error = await startCluster({ settings: { shared_buffers: 'lots' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'KIT_SERVER_START_FAILED',
      message: expect.stringMatching(/shard0-primary[\s\S]*invalid value for parameter "shared_buffers"/),
    });
  });

  it('out-of-range sizes', async () => {
    await expect(startCluster({ shards: 0 })).rejects.toMatchObject({ code: 'KIT_BAD_OPTIONS' });
    await expect(startCluster({ replicas: 1.5 })).rejects.toMatchObject({ code: 'KIT_BAD_OPTIONS' });
  });
});
