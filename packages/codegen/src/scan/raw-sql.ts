import path from 'node:path';
import { type Node, type SourceFile, SyntaxKind } from 'ts-morph';
import type { AccessPattern, TableInfo } from '../model.ts';
import { receiverOf } from './receiver.ts';
import type { TableRefs } from './table-refs.ts';
import { declarationOf, unwrap } from './values.ts';

/** The `sql\`…\`` template a raw query runs, following one variable (`const q = sql\`…\``). */
function template(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  const n = unwrap(node);
  if (n.isKind(SyntaxKind.TaggedTemplateExpression)) return n;
  return declarationOf(n)?.initializer;
}

/** The sharded tables a raw SQL template names, by SQL name or as an interpolated table. */
function tablesIn(tagged: Node, refs: TableRefs): TableInfo[] {
  if (!tagged.isKind(SyntaxKind.TaggedTemplateExpression)) return [];
  const sharded = refs.tables.filter((t) => t.sharding === 'sharded');
  const tpl = tagged.getTemplate();
  const text = tpl.isKind(SyntaxKind.NoSubstitutionTemplateLiteral)
    ? tpl.getLiteralText()
    : [
        tpl.getHead().getLiteralText(),
        ...tpl.getTemplateSpans().map((s) => s.getLiteral().getLiteralText()),
      ].join(' ');
  const spans = tpl.isKind(SyntaxKind.TemplateExpression)
    ? tpl.getTemplateSpans().map((s) => s.getExpression())
    : [];
  const interpolated = new Set(spans.map((e) => refs.table(unwrap(e))).filter((t) => t !== undefined));
  return sharded.filter(
    (t) =>
      interpolated.has(t) ||
      new RegExp(`(^|[\\s,("])${t.name.replace(/[^\w]/g, '\\$&')}($|[\\s,)".])`, 'i').test(text),
  );
}

/**
 * Raw SQL on sharded tables (`db.execute(sql\`… from orders …\`)`): not analysed, but listed
 * with file:line so a reviewer checks each by hand.
 */
export function rawSqlPatterns(file: SourceFile, refs: TableRefs, root: string): AccessPattern[] {
  const out: AccessPattern[] = [];
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!callee.isKind(SyntaxKind.PropertyAccessExpression) || callee.getName() !== 'execute') continue;
    const tagged = template(call.getArguments()[0]);
    if (!tagged) continue;
    for (const table of tablesIn(tagged, refs)) {
      out.push({
        table: table.name,
        location: {
          file: path.relative(root, file.getFilePath()),
          line: callee.getNameNode().getStartLineNumber(),
        },
        kind: 'raw',
        equality: [],
        range: [],
        compared: [],
        orderBy: [],
        limit: false,
        hasShardKey: false,
        routing: 'not-analysed',
        via: receiverOf(callee.getExpression()),
        keyValues: [],
        reasons: ['raw SQL through execute(): not analysed'],
        crossShardJoins: [],
        predicates: [],
        exact: false,
      });
    }
  }
  return out;
}
