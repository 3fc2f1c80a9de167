const URL_WITH_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*):([^@/\s]*)@/gi;
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('[^']*'|[^\s]+)/gi;

/**
 * Replaces passwords in connection strings inside any text: `postgres://u:secret@h/db` →
 * `postgres://u:***@h/db`, and `password=secret` → `password=***`.
 *
 * @example redactText('connect postgres://app:hunter2@db:5432/app failed') // 'connect postgres://app:***@db:5432/app failed'
 */
export function redactText(text: string): string {
  return text.replace(URL_WITH_PASSWORD, '$1:***@').replace(KEYWORD_PASSWORD, '$1***');
}

/** A connection URL safe to print: the password (if any) replaced by `***`. */
export function redactUrl(url: string): string {
  return redactText(url);
}
