import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import type { ShardedDatabase } from 'drizzle-shard';
import { ordersOf } from '../generated/helpers.ts';
import { changePassword } from '../queries.ts';
import { type schema, users } from '../schema.ts';

/** The header that carries read-your-writes between requests (and API instances). */
export const CONSISTENCY_HEADER = 'x-consistency';

type Handler = (db: ShardedDatabase<typeof schema>, id: number, body: unknown) => Promise<unknown>;

const routes: Record<string, Handler> = {
  'GET /users/:id': async (db, id) => (await db.select().from(users).where(eq(users.id, id)))[0] ?? null,
  'GET /users/:id/orders': (db, id) => ordersOf(db, id).byCreatedAtDesc({ limit: 20 }),
  'POST /users/:id/password': async (db, id, body) => {
    const passwordHash = String((body as { passwordHash?: unknown })?.passwordHash ?? '');
    if (!passwordHash) throw Object.assign(new Error('passwordHash is required'), { status: 400 });
    await changePassword(db, id, passwordHash);
    return { ok: true };
  },
};

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function send(res: ServerResponse, status: number, body: unknown, token?: string) {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(token ? { [CONSISTENCY_HEADER]: token } : {}),
  });
  res.end(JSON.stringify(body));
}

/**
 * The seed's API, small: every request runs in a read-your-writes session made from the
 * consistency header of the previous response (so the next request, on any instance, reads its
 * writes), and answers with the session's new token.
 */
export function createApi(db: ShardedDatabase<typeof schema>): Server {
  return createServer(async (req, res) => {
    const match = /^\/users\/(\d+)(\/orders|\/password)?$/.exec(req.url ?? '');
    const route = match && routes[`${req.method} /users/:id${match[2] ?? ''}`];
    if (!match || !route) return send(res, 404, { error: 'not found' });
    const header = req.headers[CONSISTENCY_HEADER];
    const session = db.startSession({ token: typeof header === 'string' ? header : null });
    try {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const result = await session.run(() => route(db, Number(match[1]), body));
      send(res, 200, result, session.token());
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      send(res, status, { error: status === 500 ? 'internal error' : (error as Error).message });
    }
  });
}
