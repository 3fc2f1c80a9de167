import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimPort, freePort, releasePorts } from '../src/net/ports.ts';

const reservation = (port: number) => join(tmpdir(), 'drizzle-shard-ports', String(port));

function reserveAs(port: number, pid: number): void {
  mkdirSync(join(tmpdir(), 'drizzle-shard-ports'), { recursive: true });
  writeFileSync(reservation(port), String(pid));
}

describe('ports are reserved across processes', () => {
  it('a free port is handed out below the ephemeral range, reserved for this process, and released', async () => {
    const port = await freePort();
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0]);
    expect(port).toBeLessThan(low);
    expect(readFileSync(reservation(port), 'utf8')).toBe(String(process.pid));
    releasePorts([port]);
    expect(existsSync(reservation(port))).toBe(false);
  });

  it('a port another live process reserved is refused; one left by a dead process is taken over', async () => {
    const port = await freePort();
    releasePorts([port]);
    reserveAs(port, process.ppid); // alive: the process that started this test worker
    await expect(claimPort(port)).rejects.toMatchObject({ code: 'KIT_PORT_IN_USE' });
    reserveAs(port, 4_194_000); // above any pid this machine hands out
    await expect(claimPort(port)).resolves.toBe(port);
    expect(readFileSync(reservation(port), 'utf8')).toBe(String(process.pid));
    releasePorts([port]);
  });
});
