import { createHash } from 'node:crypto';
import type { IndexColumn } from '../model.ts';
import { MAX_IDENTIFIER_BYTES } from './index-sql.ts';

/**
 * `orders_user_id_created_at_desc_idx`: readable and stable for the same table and columns.
 * Over PostgreSQL's 63-byte identifier limit the readable part is cut and a short hash of the
 * full name keeps distinct indexes distinct.
 */
export function indexName(table: string, columns: readonly IndexColumn[]): string {
  const full = `${table}_${columns.map((c) => (c.direction === 'desc' ? `${c.name}_desc` : c.name)).join('_')}_idx`;
  if (Buffer.byteLength(full) <= MAX_IDENTIFIER_BYTES) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  let head = full;
  while (Buffer.byteLength(head) > MAX_IDENTIFIER_BYTES - 9) head = head.slice(0, -1);
  return `${head}_${hash}`;
}
