import type { Sql, TransactionSql } from 'postgres';

/** A transaction kept open across steps: run queries on `tx`, then `end()` commits or rolls back. */
export interface HeldTransaction {
  readonly tx: TransactionSql;
  /** Commits (`true`) or rolls back, and waits until the transaction is over. */
  end(commit: boolean): Promise<void>;
  /**
   * Ends with `PREPARE TRANSACTION gid` instead of a commit: its changes and locks stay, on the
   * server, until `commit prepared` or `rollback prepared` (from any session) decides.
   */
  prepare(gid: string): Promise<void>;
}

const ROLLED_BACK = Symbol('rolled back');

/**
 * Opens a transaction on `sql` (`options` as for BEGIN, e.g. `isolation level repeatable read`),
 * runs `first` in it and returns it still open, so several servers' transactions can be held at
 * once (locks on every old shard, snapshots on every target) and ended together.
 */
export async function holdTransaction(
  sql: Sql,
  options: string,
  first: (tx: TransactionSql) => Promise<unknown>,
): Promise<HeldTransaction> {
  let decide!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => {
    decide = resolve;
  });
  let opened!: (tx: TransactionSql) => void;
  const started = new Promise<TransactionSql>((resolve) => {
    opened = resolve;
  });
  const outcome = sql.begin(options, async (tx) => {
    await first(tx);
    opened(tx);
    if (!(await decided)) throw ROLLED_BACK;
  });
  const tx = await Promise.race([
    started,
    outcome.then(() => {
      throw new Error('the held transaction ended early');
    }),
  ]);
  const end = async (commit: boolean) => {
    decide(commit);
    await outcome.catch((error) => {
      if (error !== ROLLED_BACK) throw error;
    });
  };
  return {
    tx,
    end,
    prepare: async (gid) => {
      tx.prepare(gid);
      await end(true);
    },
  };
}
