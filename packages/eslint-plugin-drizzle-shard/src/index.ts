import * as parser from '@typescript-eslint/parser';
import type { TSESLint } from '@typescript-eslint/utils';
import { rules } from './rules/index.ts';

/** The plugin object (`plugins: { 'drizzle-shard': plugin }`). */
export const plugin = {
  meta: { name: 'eslint-plugin-drizzle-shard', version: '0.1.0' },
  rules,
} satisfies TSESLint.FlatConfig.Plugin;

/**
 * Flat configs. `recommended` turns every rule on as an error for TypeScript files, with
 * typescript-eslint's parser and its project service (the rules need type information).
 *
 * @example
 * // eslint.config.js
 * import { configs as drizzleShard } from 'eslint-plugin-drizzle-shard';
 * export default [drizzleShard.recommended];
 */
export const configs = {
  recommended: {
    name: 'drizzle-shard/recommended',
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    plugins: { 'drizzle-shard': plugin },
    languageOptions: { parser, parserOptions: { projectService: true } },
    rules: {
      'drizzle-shard/require-shard-key': 'error',
      'drizzle-shard/no-unkeyed-insert': 'error',
      'drizzle-shard/no-cross-shard-transaction': 'error',
    },
  },
} satisfies Record<string, TSESLint.FlatConfig.Config>;

export { rules };
