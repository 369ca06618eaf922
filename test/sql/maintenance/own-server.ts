// A private cluster of the test file's own (test/support/own-cluster.ts) for what the shared
// one cannot show: a loopback login that asks for a password (dblink lets a role that is not a
// superuser connect only then, and the shared cluster trusts every local login), and pg_cron
// in the database that runs the workflows (the shared cluster's pg_cron is in database postgres,
// which other tests use). Test clients come in through the Unix socket (trusted); TCP logins
// of roles other than postgres must give their password.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OwnCluster } from '../../support/own-cluster.js';
import type pg from 'pg';
import { ident } from '../../support/roles.js';
import { withClient } from '../../support/server.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

const PG_HBA = `# written by test/sql/maintenance/own-server.ts
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
`;

export interface OwnServer {
  cluster: OwnCluster;
  port: number;
  /** Superuser URL of database postgres, through the socket. */
  url: string;
  stop(): void;
}

export async function ownServer(name: string, port: number): Promise<OwnServer> {
  const cluster = new OwnCluster(name, port);
  cluster.start();
  const dir = `${root}.cluster-${name}`;
  const url = `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(`${dir}/socket`)}`;
  writeFileSync(`${dir}/data/pg_hba.conf`, PG_HBA);
  await withClient(url, (c) => c.query('SELECT pg_reload_conf()'));
  return { cluster, port, url, stop: () => cluster.stop() };
}

/**
 * What an administrator creates so that `role` has a loopback (docs/maintenance.md): dblink,
 * the server pointing at this database over TCP (where the password is asked for), the role's
 * user mapping with its password, and USAGE on the server.
 */
export async function configureLoopback(admin: pg.Client, server: OwnServer, database: string, role: string, password: string): Promise<void> {
  await admin.query(`ALTER ROLE ${ident(role)} PASSWORD '${password}'`);
  await admin.query(`CREATE EXTENSION IF NOT EXISTS dblink`);
  await admin.query(
    `CREATE SERVER pg_durable_loopback FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '127.0.0.1', port '${server.port}', dbname '${database}')`,
  );
  await admin.query(`CREATE USER MAPPING FOR ${ident(role)} SERVER pg_durable_loopback OPTIONS (user '${role}', password '${password}')`);
  await admin.query(`GRANT USAGE ON FOREIGN SERVER pg_durable_loopback TO ${ident(role)}`);
}
