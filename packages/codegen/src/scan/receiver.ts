import { type Node, SyntaxKind } from 'ts-morph';
import type { Receiver } from '../model.ts';
import { declarationOf, unwrap } from './values.ts';

/** Methods of a sharded db that return a db bound to one shard. */
const BINDS_SHARD = new Set(['shard', 'shardFor']);

/** The callback `fn` is passed to `x.transaction(fn)`: the `x`, else undefined. */
function transactionOwner(fn: Node): Node | undefined {
  const call = fn.getParent();
  if (!call?.isKind(SyntaxKind.CallExpression) || call.getArguments()[0] !== fn) return undefined;
  const callee = call.getExpression();
  if (!callee.isKind(SyntaxKind.PropertyAccessExpression) || callee.getName() !== 'transaction')
    return undefined;
  return callee.getExpression();
}

/**
 * How a query reaches the shards, from the expression its chain starts on (`db` in
 * `db.select().from(t)`): `all-shards` through `x.allShards()`, `shard` through `x.shard(k)`,
 * `x.shardFor(t, k)` (the generated helpers) or the `tx` of `x.shard(k).transaction(…)`,
 * else `routed` (the top-level db routes by the key and refuses a query without it). Follows
 * `const` variables and transaction callbacks within the app's code.
 */
export function receiverOf(expression: Node): Receiver {
  return sentThrough(expression).via;
}

/**
 * {@link receiverOf}, with the `x.transaction(…)` call when the query is a statement of a
 * transaction opened on the top-level db (which runs on one shard only: `db.shard(k).transaction`).
 */
export function sentThrough(expression: Node, depth = 0): { via: Receiver; transaction?: Node } {
  let node = unwrap(expression);
  for (let steps = 0; depth < 8 && steps < 64; steps += 1) {
    if (node.isKind(SyntaxKind.CallExpression)) {
      const callee = node.getExpression();
      if (callee.isKind(SyntaxKind.PropertyAccessExpression)) {
        if (callee.getName() === 'allShards') return { via: 'all-shards' };
        if (BINDS_SHARD.has(callee.getName())) return { via: 'shard' };
      }
      node = unwrap(callee);
    } else if (node.isKind(SyntaxKind.PropertyAccessExpression)) node = unwrap(node.getExpression());
    else if (node.isKind(SyntaxKind.Identifier)) {
      const found = declarationOf(node);
      if (found?.initializer) return sentThrough(found.initializer, depth + 1);
      const declaration = (node.getSymbol()?.getDeclarations() ?? [])[0];
      const fn = declaration?.isKind(SyntaxKind.Parameter) ? declaration.getParent() : undefined;
      const owner = fn && transactionOwner(fn);
      if (!owner) return { via: 'routed' };
      const outer = sentThrough(owner, depth + 1);
      return outer.via === 'routed' ? { via: 'routed', transaction: owner.getParentOrThrow() } : outer;
    } else return { via: 'routed' };
  }
  return { via: 'routed' };
}
