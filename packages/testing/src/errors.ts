/** Stable codes for everything the test kit can refuse or fail at. */
export type TestKitErrorCode =
  | 'KIT_BACKEND_UNKNOWN'
  | 'KIT_BINARIES_NOT_FOUND'
  | 'KIT_PORT_IN_USE'
  | 'KIT_BAD_OPTIONS'
  | 'KIT_COMMAND_FAILED'
  | 'KIT_SERVER_START_FAILED'
  | 'KIT_DOCKER_UNAVAILABLE'
  | 'KIT_NODE_UNKNOWN'
  | 'KIT_NOT_A_REPLICA'
  | 'KIT_DESTROYED'
  | 'KIT_CPU_QUOTA_UNSUPPORTED';

/**
 * The one error class of the test kit. `code` is stable; the message says what to do.
 *
 * @example
 * try { await startCluster({ backend: 'k8s' as never }) }
 * catch (e) { if (e instanceof TestKitError && e.code === 'KIT_BACKEND_UNKNOWN') ... }
 */
export class TestKitError extends Error {
  override readonly name = 'TestKitError';
  constructor(
    readonly code: TestKitErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
