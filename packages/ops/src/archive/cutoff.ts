import type { Sql } from 'postgres';
import { ArchiveError } from './archive-error.ts';

const UNITS: Record<string, string> = { m: 'minutes', h: 'hours', d: 'days', w: 'weeks', y: 'years' };

/** `90d` → `90 days`; other text is taken as a PostgreSQL interval (`3 months`). */
export function olderThanInterval(text: string): string {
  const short = /^(\d+)\s*([mhdwy])$/.exec(text.trim());
  return short ? `${short[1]} ${UNITS[short[2]!]}` : text.trim();
}

/**
 * The cut-off as UTC ISO text: `now() - olderThan` on the first shard's clock (one value for the
 * whole run, so every shard is cut at the same instant), or `before` as given.
 */
export async function resolveCutoff(
  sql: Sql,
  spec: { olderThan?: string; before?: string },
): Promise<string> {
  const iso = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
  try {
    if (spec.before !== undefined) {
      const [r] = await sql.unsafe(`select to_char($1::timestamptz at time zone 'UTC', ${iso}) as cutoff`, [
        spec.before,
      ]);
      return r!.cutoff as string;
    }
    if (spec.olderThan === undefined) throw new Error('give --older-than or --before');
    const [r] = await sql.unsafe(
      `select to_char((now() - $1::interval) at time zone 'UTC', ${iso}) as cutoff`,
      [olderThanInterval(spec.olderThan)],
    );
    return r!.cutoff as string;
  } catch (error) {
    throw new ArchiveError(
      'ARCHIVE_BAD_INPUT',
      `Cannot make a cut-off of ${JSON.stringify(spec)}: ${(error as Error).message}. Use e.g. --older-than 90d or --before 2026-01-01.`,
    );
  }
}
