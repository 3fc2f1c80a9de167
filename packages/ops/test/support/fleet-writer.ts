import { ShardMap } from 'drizzle-shard';
import postgres, { type Sql } from 'postgres';
import { readFleetMap } from '../../src/index.ts';

/** The fleet tests' tables: sharded users and orders, a reference table, an unsharded table. */
export const FLEET_DDL = `
create table users (id bigint primary key, email text not null, name text not null);
create table orders (user_id bigint not null, id bigint not null, status text not null, total numeric(12,2) not null,
  created_at timestamptz not null default now(), primary key (user_id, id));
create table countries (code text primary key, name text not null);
create table audit_log (id bigserial primary key, message text not null);`;

/**
 * The app: inserts and updates orders continuously, routing by the fleet map it re-reads before
 * every write, retrying when a write fails (a cutover refuses writes that reach the old owner).
 */
export function startWriter(mapFile: string, { users, firstId }: { users: number; firstId: number }) {
  const pools = new Map<string, Sql>();
  const pool = (url: string) => {
    const p = pools.get(url) ?? postgres(url, { max: 2, onnotice: () => {}, fetch_types: false });
    pools.set(url, p);
    return p;
  };
  const acked = new Map<string, string>(); // "user:id" → total last acknowledged
  let next = firstId;
  let running = true;
  let retries = 0;
  const loop = (async () => {
    while (running) {
      const map = readFleetMap(mapFile)!;
      const shards = ShardMap.fromJSON(map.map);
      const userId = 1 + Math.floor(Math.random() * users);
      const url = (u: number) => (map.mode === 'single' ? map.source : map.shards[shards.shardOf(u, 'int')]!);
      try {
        if (Math.random() < 0.7) {
          const id = ++next;
          await pool(
            url(userId),
          )`insert into orders (user_id, id, status, total) values (${userId}, ${id}, 'new', 1.00)`;
          acked.set(`${userId}:${id}`, '1.00');
        } else {
          const [key] = [...acked.keys()].slice(-1 - Math.floor(Math.random() * Math.min(acked.size, 50)));
          if (!key) continue;
          const [u, id] = key.split(':').map(Number) as [number, number];
          const total = (Math.floor(Math.random() * 10000) / 100).toFixed(2);
          const r = await pool(
            url(u),
          )`update orders set total = ${total} where user_id = ${u} and id = ${id}`;
          if (r.count === 1) acked.set(key, total);
        }
      } catch {
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  })();
  return {
    acked,
    get retries() {
      return retries;
    },
    stop: async () => {
      running = false;
      await loop;
      await Promise.all([...pools.values()].map((p) => p.end({ timeout: 1 })));
    },
  };
}

/** Orders with id above `minId` on every shard of `urls`: each one's last total, and any row found twice or on a shard that does not own it. */
export async function collectOrders(urls: readonly string[], map: ShardMap, minId: number) {
  const found = new Map<string, string>();
  const problems: string[] = [];
  for (const [shard, url] of urls.entries()) {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      for (const r of await sql.unsafe(
        `select user_id::text, id::text, total::text, ${map.ownsSql('user_id', 'int', shard)} as owned from orders where id > ${minId}`,
      )) {
        const key = `${r.user_id}:${r.id}`;
        if (!r.owned) problems.push(`${key} on shard ${shard}, which does not own it`);
        if (found.has(key)) problems.push(`${key} twice`);
        found.set(key, r.total as string);
      }
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
  return { found, problems };
}
