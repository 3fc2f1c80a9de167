import type { Output } from '../output.ts';

type TestKit = typeof import('@drizzle-shard/testing');

/**
 * Loads `@drizzle-shard/testing` when `dev up` needs it: the kit is an optional peer of the CLI,
 * so an app that only generates and migrates never installs it (nor its server binaries).
 * Returns `undefined` after saying how to install it when it is missing.
 */
export async function loadTestKit(err: Output): Promise<TestKit | undefined> {
  try {
    return await import('@drizzle-shard/testing');
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    if (!missing || !message?.includes('@drizzle-shard/testing')) throw error;
    err.write(
      'drizzle-shard dev needs the test kit: npm install --save-dev @drizzle-shard/testing (it starts PostgreSQL from the system binaries).\n',
    );
    return undefined;
  }
}
