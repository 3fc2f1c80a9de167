import path from 'node:path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** Typed linting of `fixtures/file.ts` (its text replaced by each case) next to the fixture schema. */
export const ruleTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      project: './tsconfig.json',
      tsconfigRootDir: path.resolve(import.meta.dirname, 'fixtures'),
    },
  },
});

/** A test case's code: the imports every case uses, then `body`. */
export const code = (body: string) =>
  `import { and, eq, gt, inArray, isNull, or, sql } from 'drizzle-orm';
import { countries, type Db, notes, orders, settings, users } from './schema.ts';
${body}
`;

/** 1-based line of the first line of `text` containing `marker`. */
export const lineOf = (text: string, marker: string) =>
  text.split('\n').findIndex((l) => l.includes(marker)) + 1;
