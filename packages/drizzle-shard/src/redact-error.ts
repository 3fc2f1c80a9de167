import { redactText } from './redact.ts';

/**
 * PostgreSQL messages that quote the offending input value: `invalid input syntax for type
 * integer: "abc"`, `value "99999999999" is out of range for type integer`, `invalid input
 * value for enum mood: "x"`. The quoted value is replaced; identifiers quoted elsewhere stay.
 */
const QUOTED_INPUT = [/(: )"(?:[^"]|"")*"$/, /(\bvalue )"(?:[^"]|"")*"/];

/** A server message without the input values it quotes, and without passwords. */
export function redactServerMessage(message: string): string {
  let text = redactText(message);
  for (const pattern of QUOTED_INPUT) text = text.replace(pattern, '$1"…"');
  return text;
}

function rewrite(error: Error, message: string): void {
  const old = error.message;
  if (message === old) return;
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  if (typeof error.stack === 'string') {
    Object.defineProperty(error, 'stack', {
      value: error.stack.replace(old, message),
      writable: true,
      configurable: true,
    });
  }
}

/** Hides an own property from `util.inspect`, loggers and JSON, or drops it. */
function hide(error: object, key: string, keep: boolean): void {
  // postgres.js defines its own `parameters` and `args` non-enumerable (and fixed) unless debugging.
  if (!Object.getOwnPropertyDescriptor(error, key)?.configurable) return;
  const value = (error as Record<string, unknown>)[key];
  Object.defineProperty(error, key, {
    value: keep ? value : undefined,
    enumerable: false,
    configurable: true,
  });
}

/**
 * Removes parameter values from an error and its `cause` chain, in place (classes stay, so
 * `instanceof DrizzleQueryError` still holds): drizzle's "Failed query … params: …" message
 * keeps only the SQL text, its `params` go, a server error's message loses the input value it
 * quotes and its `detail` (`Key (id)=(1001) already exists`) is no longer enumerable. With
 * `showParameters` (the db's `debug.parameters`) values stay, hidden from inspection only.
 *
 * @returns the same `error`.
 */
export function redactError<T>(error: T, showParameters = false): T {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 6; depth++, e = e.cause) {
    const withParams = e as Error & { query?: unknown; params?: unknown };
    if (Object.hasOwn(withParams, 'params') && typeof withParams.query === 'string') {
      rewrite(e, `Failed query: ${withParams.query}`);
      hide(e, 'params', showParameters);
    } else if (!showParameters) {
      rewrite(e, redactServerMessage(e.message));
    }
    hide(e, 'detail', true);
    hide(e, 'parameters', showParameters);
    hide(e, 'args', showParameters);
  }
  return error;
}
