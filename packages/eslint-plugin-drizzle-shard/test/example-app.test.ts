import path from 'node:path';
import { generate, loadConfig } from '@drizzle-shard/codegen';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { configs } from '../src/index.ts';

const ORDERS_APP = path.resolve(import.meta.dirname, '../../../examples/orders-app');

describe('on the example app', () => {
  it("reports exactly the scatter report's errors, and none of the db.allShards() fan-outs", async () => {
    const result = await generate(await loadConfig(ORDERS_APP));
    const report = result.errors.map((e) => `${e.location.file}:${e.location.line} ${e.message}`);
    // Inline directives off: the demo's deliberate unkeyed select carries an eslint-disable comment.
    const eslint = new ESLint({
      cwd: ORDERS_APP,
      overrideConfigFile: true,
      // typescript-eslint's config types and ESLint's differ in details; the object is the same.
      overrideConfig: [{ ignores: ['src/generated/**'] }, configs.recommended as unknown as Linter.Config],
      allowInlineConfig: false,
    });
    const lint = (await eslint.lintFiles(['src'])).flatMap((file) =>
      file.messages
        .filter((m) => m.ruleId?.startsWith('drizzle-shard/'))
        .map((m) => `${path.relative(ORDERS_APP, file.filePath)}:${m.line} ${m.message}`),
    );
    expect(new Set(lint)).toEqual(new Set(report));
    expect(report.length).toBeGreaterThan(0);
    const fanOuts = result.fanOuts.map((p) => `${p.location.file}:${p.location.line} `);
    expect(fanOuts.length).toBeGreaterThan(0);
    for (const f of fanOuts) expect(lint.filter((l) => l.startsWith(f))).toEqual([]);
  }, 600_000);
});
