import type { Node } from 'ts-morph';
import type { AccessPattern, Receiver, TableInfo } from '../model.ts';
import type { Filter } from './conditions.ts';
import type { TableParams } from './table-refs.ts';

/** A table the query joins (or loads through a relation), with the join condition as read. */
export interface JoinedTable {
  readonly table: TableInfo;
  readonly on: Filter;
}

/** Everything the analysis read from one query, before it is turned into a finding. */
export interface QueryParts {
  readonly table: TableInfo;
  /** The node naming the table: where the finding points. */
  readonly at: Node;
  readonly kind: AccessPattern['kind'];
  /** The db the query is sent through. */
  readonly via: Receiver;
  /** The `db.transaction` of the top-level db the query is a statement of (it needs one shard). */
  readonly transaction?: Node | undefined;
  readonly filter: Filter;
  readonly joins: readonly JoinedTable[];
  readonly order: readonly Node[];
  readonly params: TableParams;
  readonly limit: boolean;
  readonly escapes: readonly string[];
}
