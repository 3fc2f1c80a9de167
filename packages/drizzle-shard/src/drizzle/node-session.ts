import { entityKind, type Query } from 'drizzle-orm';
import type { Cache } from 'drizzle-orm/cache/core';
import type { Logger } from 'drizzle-orm/logger';
import type {
  PgPreparedQuery,
  PgTransactionConfig,
  PreparedQueryConfig,
  SelectedFieldsOrdered,
} from 'drizzle-orm/pg-core';
import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js';
import type { RelationalSchemaConfig, TablesRelationalConfig } from 'drizzle-orm/relations';
import type { Sql, TransactionSql } from 'postgres';
import { DelegatingPreparedQuery } from './delegating-query.ts';
import { NodePreparedQuery, type NodeStatementOptions } from './node-prepared-query.ts';
import type { RoutingDialect } from './routing-dialect.ts';
import { cachingClient, mayChangeSchema, type StatementClient, schemaEpoch } from './statement-cache.ts';
import type { StatementPlan } from './statement-plan.ts';

/** drizzle's per-statement metadata (used by its cache). */
export type QueryMetadata = { type: 'select' | 'update' | 'delete' | 'insert'; tables: string[] } | undefined;
type ResultMapper = ((rows: unknown[][]) => unknown) | undefined;

export interface NodeSessionOptions {
  readonly logger?: Logger;
  readonly cache?: Cache;
  /**
   * Let postgres.js prepare and cache each statement per connection (never behind PgBouncer in
   * transaction mode, which cannot keep prepared statements). See `statement-cache.ts` for what
   * DDL does to cached statements.
   */
  readonly cacheStatements: boolean;
  /** Checks a statement's plan before it runs (shard-bound dbs refuse keys of other shards). */
  readonly guard?: (plan: StatementPlan | undefined, inTransaction: boolean) => void;
  /** Keep parameter values in errors (the db's `debug.parameters`); default false. */
  readonly showParameters?: boolean;
}

/**
 * What a shard's primary session delegates to the replica layer (set only on the primary's
 * top-level session; transactions always stay on the primary).
 */
export interface NodeRouting {
  /** Runs a read on the node the replica layer picks (a replica, or this primary). */
  read<T>(run: (session: NodeSession<Record<string, unknown>, never>) => Promise<T>): Promise<T>;
  /** Whether writes must be reported (a consistency session is active and the shard has replicas). */
  tracksWrites(): boolean;
  /** Reports a committed statement that may have written. */
  afterWrite(): Promise<void>;
}

/** A plain read: a select or relational query without FOR UPDATE/SHARE. */
export function isPlainRead(plan: StatementPlan | undefined): boolean {
  return (
    plan !== undefined && !plan.write && (plan.statement === 'select' || plan.statement === 'relational')
  );
}

/** Arguments of one prepared statement, kept to prepare it again on another node. */
export interface PreparedArgs {
  readonly fields: SelectedFieldsOrdered | undefined;
  readonly name: string | undefined;
  readonly arrayMode: boolean;
  readonly mapper: ResultMapper;
  readonly metadata: QueryMetadata;
  readonly cacheConfig: unknown;
}

/** drizzle's postgres.js session, plus statement caching and the shard guard. */
export class NodeSession<
  TFullSchema extends Record<string, unknown>,
  TSchema extends TablesRelationalConfig,
> extends PostgresJsSession<Sql, TFullSchema, TSchema> {
  static override readonly [entityKind]: string = 'DrizzleShardNodeSession';
  /** The client cached statements run on (re-prepared after DDL, retried unprepared on refusal). */
  private readonly statements: StatementClient;
  /** What this node's statements do besides drizzle's execution: [other statements, possible DDL]. */
  private readonly statementOptions: readonly [NodeStatementOptions, NodeStatementOptions];

  constructor(
    client: Sql | TransactionSql,
    readonly routingDialect: RoutingDialect,
    readonly schemaConfig: RelationalSchemaConfig<TSchema> | undefined,
    readonly nodeOptions: NodeSessionOptions,
    readonly inTransaction = false,
    /** Replica routing and write tracking; only on a primary's top-level session. */
    public routing?: NodeRouting,
  ) {
    super(client as Sql, routingDialect, schemaConfig, {
      logger: nodeOptions.logger,
      cache: nodeOptions.cache,
    });
    this.statements = inTransaction ? (client as unknown as StatementClient) : cachingClient(client as Sql);
    const showParameters = nodeOptions.showParameters ?? false;
    this.statementOptions = [
      { showParameters, changesSchema: false },
      { showParameters, changesSchema: true },
    ];
  }

  override prepareQuery<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    name: string | undefined,
    isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => T['execute'],
    queryMetadata?: QueryMetadata,
    cacheConfig?: unknown,
  ): PgPreparedQuery<T> {
    const plan = this.routingDialect.takePlan();
    this.nodeOptions.guard?.(plan, this.inTransaction);
    return this.prepareChecked<T>(
      query,
      {
        fields,
        name,
        arrayMode: isResponseInArrayMode,
        mapper: customResultMapper as ResultMapper,
        metadata: queryMetadata,
        cacheConfig,
      },
      plan,
    );
  }

  /**
   * Prepares an already-planned statement (also used by the router on its chosen shard): plain
   * reads go through the replica layer, other statements run here and report their writes.
   */
  prepareChecked<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    args: PreparedArgs,
    plan?: StatementPlan,
  ): PgPreparedQuery<T> {
    const changesSchema = !plan && mayChangeSchema(query.sql);
    const routing = this.inTransaction ? undefined : this.routing;
    if (!routing) return this.prepareHere<T>(query, args, changesSchema);
    if (isPlainRead(plan)) {
      return new DelegatingPreparedQuery<T>(
        query,
        args.metadata,
        (placeholders, joins) =>
          routing.read((session) => session.executeHere<T>(query, args, placeholders, joins)),
        args.arrayMode,
      );
    }
    return new DelegatingPreparedQuery<T>(
      query,
      args.metadata,
      async (placeholders, joins) => {
        const tracks = routing.tracksWrites();
        const result = await this.executeHere<T>(query, args, placeholders, joins, changesSchema);
        if (tracks) await routing.afterWrite();
        return result;
      },
      args.arrayMode,
    );
  }

  /** Runs a statement on this node's connection, with drizzle's join nullability for select mapping. */
  private executeHere<T extends PreparedQueryConfig>(
    query: Query,
    args: PreparedArgs,
    placeholders: Record<string, unknown>,
    joins: Record<string, boolean> | undefined,
    changesSchema = false,
  ): Promise<T['execute']> {
    const prepared = this.prepareHere<T>(query, args, changesSchema) as PgPreparedQuery<T> & {
      joinsNotNullableMap?: Record<string, boolean>;
    };
    prepared.joinsNotNullableMap = joins;
    return prepared.execute(placeholders);
  }

  /** drizzle's own postgres.js prepared query on this node's connection. */
  prepareHere<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    args: PreparedArgs,
    changesSchema = false,
  ): PgPreparedQuery<T> {
    const prepared = new NodePreparedQuery<T>(
      this.statements as unknown as Sql,
      query.sql,
      query.params,
      this.logger,
      (this.nodeOptions.cache ?? undefined) as Cache,
      args.metadata,
      args.cacheConfig as never,
      args.fields,
      args.arrayMode,
      args.name !== undefined || this.cachesStatements,
      args.mapper as never,
    );
    prepared.statementOptions = this.statementOptions[changesSchema ? 1 : 0];
    return prepared as PgPreparedQuery<T>;
  }

  /**
   * Whether unnamed statements are prepared and cached on the connection. Not inside a
   * transaction: after DDL changes a cached statement's result type, PostgreSQL refuses it
   * ("cached plan must not change result type"); postgres.js re-prepares and retries, but
   * in a transaction the error has already aborted it, where plain drizzle (unprepared) works.
   */
  private get cachesStatements(): boolean {
    return this.nodeOptions.cacheStatements && !this.inTransaction;
  }

  /** Raw rows as arrays (for fan-out merging), on a replica when the plan is a plain read. */
  rawArrays(query: Query, params: unknown[], plan?: StatementPlan): Promise<unknown[][]> {
    const routing = this.inTransaction ? undefined : this.routing;
    if (routing && isPlainRead(plan)) return routing.read((session) => session.rawArrays(query, params));
    this.logger.logQuery(query.sql, params);
    return Promise.resolve(
      this.statements.unsafe(query.sql, params, { prepare: this.cachesStatements }).values(),
    );
  }

  override transaction<T>(
    transaction: (tx: PostgresJsTransaction<TFullSchema, TSchema>) => Promise<T>,
    config?: PgTransactionConfig,
  ): Promise<T> {
    const routing = this.inTransaction ? undefined : this.routing;
    const tracks = routing?.tracksWrites() ?? false;
    const epochBefore = schemaEpoch.value;
    const result = (this.client as Sql).begin(async (client) => {
      const session = new NodeSession<TFullSchema, TSchema>(
        client,
        this.routingDialect,
        this.schemaConfig,
        this.nodeOptions,
        true,
      );
      const tx = new NodeTransaction<TFullSchema, TSchema>(this.routingDialect, session, this.schemaConfig);
      if (config) await tx.setTransaction(config);
      return transaction(tx);
    }) as Promise<T>;
    // DDL inside the transaction became visible to other connections only at its end.
    const settled = result.finally(() => {
      if (schemaEpoch.value !== epochBefore) schemaEpoch.bump();
    });
    if (!tracks) return settled;
    return settled.then(async (value) => {
      await routing!.afterWrite();
      return value;
    });
  }
}

/** drizzle's postgres.js transaction whose savepoints keep the node session (and its guard). */
export class NodeTransaction<
  TFullSchema extends Record<string, unknown>,
  TSchema extends TablesRelationalConfig,
> extends PostgresJsTransaction<TFullSchema, TSchema> {
  static override readonly [entityKind]: string = 'DrizzleShardNodeTransaction';

  constructor(
    dialect: RoutingDialect,
    private readonly nodeSession: NodeSession<TFullSchema, TSchema>,
    schema: RelationalSchemaConfig<TSchema> | undefined,
    nestedIndex = 0,
  ) {
    super(dialect, nodeSession as never, schema, nestedIndex);
  }

  override transaction<T>(
    transaction: (tx: PostgresJsTransaction<TFullSchema, TSchema>) => Promise<T>,
  ): Promise<T> {
    const parent = this.nodeSession;
    return (parent.client as unknown as TransactionSql).savepoint(async (client) => {
      const session = new NodeSession<TFullSchema, TSchema>(
        client as never,
        parent.routingDialect,
        parent.schemaConfig,
        parent.nodeOptions,
        true,
      );
      return transaction(
        new NodeTransaction<TFullSchema, TSchema>(
          parent.routingDialect,
          session,
          parent.schemaConfig,
          this.nestedIndex + 1,
        ),
      );
    }) as Promise<T>;
  }
}
