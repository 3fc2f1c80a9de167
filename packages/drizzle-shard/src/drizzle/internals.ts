// The only place that reaches into drizzle-orm internals (runtime exports without public
// types, builder config shapes). Checked on drizzle-orm 0.45.x; a drizzle upgrade starts here.

import type { Column, SQL } from 'drizzle-orm';
import * as drizzleOrm from 'drizzle-orm';

/** drizzle's flattened selection: the path of each field in the result object and the field. */
export interface OrderedField {
  readonly path: string[];
  readonly field: unknown;
}

interface DrizzleUtils {
  orderSelectedFields(fields: Record<string, unknown>): OrderedField[];
  mapResultRow<T>(
    columns: OrderedField[],
    row: unknown[],
    joinsNotNullableMap: Record<string, boolean> | undefined,
  ): T;
}

const utils = drizzleOrm as unknown as DrizzleUtils;
export const orderSelectedFields = utils.orderSelectedFields;
export const mapResultRow = utils.mapResultRow;

/** The parts of `PgSelectConfig` routing reads (drizzle-orm/pg-core select builder `.config`). */
export interface SelectConfigView {
  readonly table: unknown;
  readonly fields: Record<string, unknown>;
  readonly fieldsFlat?: OrderedField[];
  readonly where?: SQL;
  readonly having?: SQL;
  readonly joins?: ReadonlyArray<{ readonly table: unknown; readonly on?: SQL; readonly joinType: string }>;
  readonly orderBy?: ReadonlyArray<unknown>;
  readonly groupBy?: ReadonlyArray<unknown>;
  readonly limit?: number | unknown;
  readonly offset?: number | unknown;
  readonly distinct?: unknown;
  readonly lockingClause?: { readonly strength: string };
  readonly setOperators?: ReadonlyArray<unknown>;
}

export interface InsertConfigView {
  readonly table: unknown;
  readonly values: unknown;
  readonly select?: boolean;
}

export interface UpdateConfigView {
  readonly table: unknown;
  readonly set: Record<string, unknown>;
  readonly where?: SQL;
  readonly from?: unknown;
  readonly joins?: ReadonlyArray<{ readonly table: unknown; readonly on?: SQL }>;
}

export interface DeleteConfigView {
  readonly table: unknown;
  readonly where?: SQL;
}

export interface RelationalConfigView {
  readonly table: unknown;
  readonly queryConfig:
    | true
    | { readonly where?: unknown; readonly limit?: unknown; readonly orderBy?: unknown };
}

/** A table's columns by TS property name (the keys insert values and update sets use). */
export function columnsOf(table: unknown): Record<string, Column> {
  return drizzleOrm.getTableColumns(table as drizzleOrm.Table) as Record<string, Column>;
}
