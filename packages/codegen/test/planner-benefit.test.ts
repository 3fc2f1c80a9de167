import path from 'node:path';
import { type Cluster, runSql, startCluster } from '@drizzle-shard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, loadConfig } from '../src/index.ts';

const TEAM_APP = path.resolve(import.meta.dirname, 'fixtures/team-app');
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ shards: 1 });
  // 40 teams × 500 documents: one team's rows are 1/40 of the table.
  await runSql(
    cluster.shards[0]!.primary.url,
    `create table documents (team_id uuid not null, id uuid not null, slug text not null, title text not null,
       status text not null, tag_id uuid, created_at timestamp not null, deleted_at timestamp,
       primary key (team_id, id));
     insert into documents
       select ('00000000-0000-0000-0000-' || lpad((g % 40)::text, 12, '0'))::uuid, gen_random_uuid(),
              'd' || g, 't', 'open', null, now() - g * interval '1 minute', null
       from generate_series(1, 20000) g;
     analyze documents;`,
  );
}, 120_000);
afterAll(() => cluster?.destroy());

describe('index benefit from planner statistics (--url)', () => {
  it("estimates the rows a query reads without the index from the database's statistics", async () => {
    const result = await generate(await loadConfig(TEAM_APP), { url: cluster.shards[0]!.primary.url });
    const newest = result.indexes.find((i) => i.name === 'documents_team_id_created_at_desc_idx');
    expect(newest?.benefit).toBe(
      'from planner statistics: without it a query reads ~500 of ~20000 `documents` rows (through the declared index on team_id); with it, only the matching rows',
    );
    // A table the database does not have keeps the estimate from the query shape.
    expect(
      result.indexes.every((i) => i.table === 'documents' || i.benefit?.startsWith('from the query shape')),
    ).toBe(true);
  });
});
