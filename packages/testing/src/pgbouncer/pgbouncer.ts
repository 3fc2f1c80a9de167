import { join } from 'node:path';
import { TestKitError } from '../errors.ts';
import type { NodeHost } from '../host/node-host.ts';
import { pgBouncerLookupScript } from './binary.ts';

/** PgBouncer settings the kit exposes; the rest are fixed to what the seed ran. */
export interface PgBouncerOptions {
  /** Server connections per database/user pair (`default_pool_size`). Default 10. */
  readonly poolSize?: number;
  /** Client connections accepted (`max_client_conn`). Default 2000. */
  readonly maxClientConn?: number;
}

/** One PgBouncer in `pool_mode = transaction` in front of one PostgreSQL server. */
export class PgBouncer {
  private readonly dir: string;
  private binary = '';

  constructor(
    private readonly host: NodeHost,
    readonly id: string,
    readonly port: number,
    private readonly serverPort: number,
    private readonly options: PgBouncerOptions,
  ) {
    this.dir = join(host.dataRoot, `${id}-pgbouncer`);
  }

  private async locate(): Promise<string> {
    // PGBOUNCER_BIN names a path on this machine: it means nothing inside a Docker host.
    const env = this.host.backend === 'local' ? process.env : {};
    const found = await this.host.run('sh', ['-c', pgBouncerLookupScript(env)], { allowFailure: true });
    const path = found.stdout.trim().split('\n')[0];
    if (!path) {
      throw new TestKitError(
        'KIT_BINARIES_NOT_FOUND',
        'PgBouncer was asked for but no pgbouncer binary was found. Install it (Debian: apt-get install pgbouncer), set PGBOUNCER_BIN, or start the cluster with pgbouncer: false.',
      );
    }
    return path;
  }

  private config(): string {
    return `[databases]
* = host=127.0.0.1 port=${this.serverPort}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${this.port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(this.dir, 'userlist.txt')}
pool_mode = transaction
default_pool_size = ${this.options.poolSize ?? 10}
max_client_conn = ${this.options.maxClientConn ?? 2000}
pidfile = ${join(this.dir, 'pgbouncer.pid')}
logfile = ${join(this.dir, 'pgbouncer.log')}
admin_users = postgres
stats_users = postgres
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
; Fail fast when the server is down (production advice for replicas too): retry the server
; login after 1 s instead of 15 s, and give up on a client waiting for a server after 10 s.
server_login_retry = 1
query_wait_timeout = 10
log_connections = 0
log_disconnections = 0
`;
  }

  async start(): Promise<void> {
    this.binary ||= await this.locate();
    await this.host.makeDir(this.dir);
    await this.host.writeFile(join(this.dir, 'userlist.txt'), '"postgres" ""\n');
    await this.host.writeFile(join(this.dir, 'pgbouncer.ini'), this.config());
    this.host.onAbandon(`sh -c 'kill -9 $(cat ${join(this.dir, 'pgbouncer.pid')})'`);
    await this.host.run(this.binary, ['-d', '-q', join(this.dir, 'pgbouncer.ini')]);
  }

  async stop(): Promise<void> {
    await this.host.run(
      'sh',
      ['-c', `kill $(cat ${join(this.dir, 'pgbouncer.pid')}) 2>/dev/null; sleep 0.1`],
      {
        allowFailure: true,
      },
    );
  }
}
