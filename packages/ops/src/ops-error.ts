import { redactText } from 'drizzle-shard';

/** Base of the fleet operations' errors: a stable `code` and a message with connection strings redacted. */
export class OpsError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(redactText(message));
  }
}
