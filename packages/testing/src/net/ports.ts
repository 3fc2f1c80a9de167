import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestKitError } from '../errors.ts';

const handedOut = new Set<number>();

/**
 * Reservations shared by every process on this machine (parallel test workers, a CLI `dev up`
 * beside a test run): a file per port holding the owner's pid. A cluster picks all its ports
 * before its servers start, often seconds later, and a port that is free when checked must not
 * go to a second process in the meantime.
 */
const RESERVATIONS = join(tmpdir(), 'drizzle-shard-ports');

function ownerAlive(file: string): boolean {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reserves `port` for this process; false when a live process holds it. */
function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      mkdirSync(RESERVATIONS, { recursive: true });
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return true;
    } catch (error) {
      // Where the folder cannot be written, the listen check alone has to do.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    if (ownerAlive(file)) return false;
    rmSync(file, { force: true }); // left by a process that died
  }
  return false;
}

/** Gives back ports this process reserved (when their servers have stopped). */
export function releasePorts(ports: readonly number[]): void {
  for (const port of ports) {
    if (!handedOut.delete(port)) continue;
    const file = join(RESERVATIONS, String(port));
    try {
      if (Number(readFileSync(file, 'utf8')) === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  }
}

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

/** Lowest port of the kernel's ephemeral range (where outgoing connections get their local port). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32768;
  } catch {
    return 32768;
  }
}

const PORT_FLOOR = 10000;

/**
 * A port below the ephemeral range. A port the OS hands out for `listen(0)` comes from the
 * ephemeral range, where any outgoing connection (and a busy test run makes thousands) may take
 * it as its local port in the moment between the check and the server binding it; ports below
 * the range are only ever taken by listeners. Random, so parallel test workers rarely meet.
 */
function candidatePort(): number {
  const low = ephemeralLow();
  if (low - PORT_FLOOR < 1000) return 0;
  return PORT_FLOOR + Math.floor(Math.random() * (low - PORT_FLOOR));
}

/** A port that nothing on 127.0.0.1 listens on now and that no live process has reserved. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tryListen(candidatePort());
    if (port !== undefined && !handedOut.has(port) && reserve(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new TestKitError('KIT_PORT_IN_USE', 'Could not find a free TCP port on 127.0.0.1 after 50 attempts.');
}

/** Claims a port the caller chose; throws `KIT_PORT_IN_USE` when something listens on it. */
export async function claimPort(port: number): Promise<number> {
  if (handedOut.has(port) || (await tryListen(port)) === undefined || !reserve(port)) {
    throw new TestKitError(
      'KIT_PORT_IN_USE',
      `Port ${port} on 127.0.0.1 is already in use. Stop what listens there, or omit basePort to let the kit pick free ports.`,
      { port },
    );
  }
  handedOut.add(port);
  return port;
}
