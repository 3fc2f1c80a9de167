import { createServer } from 'node:net';
import { TestKitError } from '../errors.ts';

const handedOut = new Set<number>();

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** A port that nothing on 127.0.0.1 listens on now and that this process has not handed out. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tryListen(0);
    if (port !== undefined && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new TestKitError('KIT_PORT_IN_USE', 'Could not find a free TCP port on 127.0.0.1 after 50 attempts.');
}

/** Claims a port the caller chose; throws `KIT_PORT_IN_USE` when something listens on it. */
export async function claimPort(port: number): Promise<number> {
  if ((await tryListen(port)) === undefined || handedOut.has(port)) {
    throw new TestKitError(
      'KIT_PORT_IN_USE',
      `Port ${port} on 127.0.0.1 is already in use. Stop what listens there, or omit basePort to let the kit pick free ports.`,
      { port },
    );
  }
  handedOut.add(port);
  return port;
}
