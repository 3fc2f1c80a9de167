import type { ShardErrorKind } from '@drizzle-shard/codegen/analysis';
import { ESLintUtils } from '@typescript-eslint/utils';
import { fileErrors } from '../analysis/file-errors.ts';

const createRule = ESLintUtils.RuleCreator(
  (name) =>
    `https://github.com/drizzle-shard/drizzle-shard/tree/main/packages/eslint-plugin-drizzle-shard#${name}`,
);

/**
 * A rule reporting one kind of the statements that throw at run time, as the scatter report lists
 * them (same analysis, same message), at the line of the call that names the table.
 */
export function shardErrorRule(kind: ShardErrorKind, description: string) {
  return createRule<[], 'throws'>({
    name: kind,
    meta: {
      type: 'problem',
      docs: { description },
      messages: { throws: '{{message}}' },
      schema: [],
    },
    defaultOptions: [],
    create(context) {
      const services = ESLintUtils.getParserServices(context);
      const source = context.sourceCode;
      return {
        'Program:exit'() {
          for (const error of fileErrors(services.program, context.filename, source.text)) {
            if (error.kind !== kind) continue;
            const text = source.lines[error.location.line - 1] ?? '';
            context.report({
              loc: {
                start: { line: error.location.line, column: text.length - text.trimStart().length },
                end: { line: error.location.line, column: text.length },
              },
              messageId: 'throws',
              data: { message: error.message },
            });
          }
        },
      };
    },
  });
}
