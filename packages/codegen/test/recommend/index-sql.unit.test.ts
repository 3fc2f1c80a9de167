import { describe, expect, it } from 'vitest';
import { CodegenError } from '../../src/errors.ts';
import type { IndexColumn, IndexRecommendation } from '../../src/model.ts';
import { createIndexSql, dropIndexSql, quoteIdentifier } from '../../src/recommend/index-sql.ts';

function rec(overrides: Partial<IndexRecommendation> = {}): IndexRecommendation {
  return {
    table: 'orders',
    name: 'orders_user_id_created_at_idx',
    columns: [
      { name: 'user_id', direction: 'asc' },
      { name: 'created_at', direction: 'desc' },
    ],
    unique: false,
    sources: [],
    ...overrides,
  };
}

function invalidCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodegenError) return error.code;
    throw error;
  }
  return undefined;
}

describe('createIndexSql', () => {
  it('writes the seed index with ASC left out and DESC written', () => {
    expect(createIndexSql(rec())).toBe(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_user_id_created_at_idx" ON "orders" ("user_id", "created_at" DESC)',
    );
  });

  it('writes UNIQUE for unique recommendations', () => {
    expect(
      createIndexSql(
        rec({ unique: true, name: 'orders_ref_key', columns: [{ name: 'ref', direction: 'asc' }] }),
      ),
    ).toBe('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "orders_ref_key" ON "orders" ("ref")');
  });

  it('keeps case, spaces and keywords inside quotes', () => {
    expect(
      createIndexSql(
        rec({
          table: 'Order Items',
          name: 'select',
          columns: [
            { name: 'userId', direction: 'desc' },
            { name: 'group', direction: 'asc' },
          ],
        }),
      ),
    ).toBe('CREATE INDEX CONCURRENTLY IF NOT EXISTS "select" ON "Order Items" ("userId" DESC, "group")');
  });

  it('doubles double quotes in every identifier', () => {
    expect(
      createIndexSql(
        rec({
          table: 'we"ird',
          name: 'idx"; DROP TABLE orders; --',
          columns: [{ name: 'a"b', direction: 'desc' }],
        }),
      ),
    ).toBe(
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "idx""; DROP TABLE orders; --" ON "we""ird" ("a""b" DESC)',
    );
  });

  it('refuses recommendations PostgreSQL would reject or silently truncate', () => {
    expect(invalidCode(() => createIndexSql(rec({ columns: [] })))).toBe(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    );
    expect(invalidCode(() => createIndexSql(rec({ name: '' })))).toBe('CODEGEN_INDEX_RECOMMENDATION_INVALID');
    expect(invalidCode(() => createIndexSql(rec({ table: 'a\0b' })))).toBe(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    );
    expect(invalidCode(() => createIndexSql(rec({ name: 'x'.repeat(64) })))).toBe(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    );
    // 32 two-byte characters = 64 bytes, over the limit although only 32 characters long.
    expect(invalidCode(() => createIndexSql(rec({ name: 'é'.repeat(32) })))).toBe(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    );
    const sideways = [{ name: 'a', direction: 'sideways' }] as unknown as IndexColumn[];
    expect(invalidCode(() => createIndexSql(rec({ columns: sideways })))).toBe(
      'CODEGEN_INDEX_RECOMMENDATION_INVALID',
    );
  });

  it('accepts names of exactly 63 bytes', () => {
    const name = 'x'.repeat(63);
    expect(createIndexSql(rec({ name }))).toContain(`"${name}"`);
  });
});

describe('dropIndexSql', () => {
  it('drops concurrently, if it exists, with the name quoted', () => {
    expect(dropIndexSql('orders_user_id_created_at_idx')).toBe(
      'DROP INDEX CONCURRENTLY IF EXISTS "orders_user_id_created_at_idx"',
    );
    expect(dropIndexSql('a"b')).toBe('DROP INDEX CONCURRENTLY IF EXISTS "a""b"');
  });

  it('refuses an empty name', () => {
    expect(invalidCode(() => dropIndexSql(''))).toBe('CODEGEN_INDEX_RECOMMENDATION_INVALID');
  });
});

describe('quoteIdentifier', () => {
  it('quotes plain names too, so case is always kept', () => {
    expect(quoteIdentifier('Orders')).toBe('"Orders"');
    expect(quoteIdentifier('""')).toBe('""""""');
  });
});
