import { errorCode } from '../errors.ts';

/**
 * Whether a failed read may be retried on another node: the connection failed or the server
 * is going away, so the statement cannot have produced a result. Reads are idempotent; writes
 * are never retried.
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or shutting down)
]);

export function isRetryableReadError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (CONNECTION_CODES.has(code) || code.startsWith('08')); // 08: connection_exception
}
