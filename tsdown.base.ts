import { defineConfig, type UserConfig } from 'tsdown';

/**
 * The one build recipe of every published package (tsdown: Rolldown + declaration bundling,
 * the maintained successor of tsup). Each package's `tsdown.config.ts` names its entries and
 * formats; dependencies and peers stay external, declarations are bundled per entry.
 */
export function libraryConfig(options: {
  readonly entry: Record<string, string>;
  readonly cjs?: boolean;
  readonly copy?: UserConfig['copy'];
}) {
  return defineConfig({
    entry: options.entry,
    format: options.cjs ? ['esm', 'cjs'] : ['esm'],
    platform: 'node',
    target: 'node20',
    dts: { tsconfig: '../../tsconfig.build.json' },
    tsconfig: '../../tsconfig.build.json',
    sourcemap: false,
    clean: true,
    hash: false,
    fixedExtension: true,
    copy: options.copy,
    // Plugin timings only say that declaration bundling takes time on two busy cores.
    checks: { pluginTimings: false },
  });
}
