// Test roles are cluster-wide: each test file creates its own (names carry the process id),
// fresh, and drops them when it ends.
import { serverUrl, withClient } from './server.js';

/** A role name as an SQL identifier, for a test's own statements. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function createLoginRoles(names: readonly string[], server: string = serverUrl()): Promise<void> {
  await withClient(server, async (c) => {
    for (const r of names) {
      await c.query(`DROP ROLE IF EXISTS ${ident(r)}`);
      await c.query(`CREATE ROLE ${ident(r)} LOGIN`);
    }
  });
}

export async function dropRoles(names: readonly string[], server: string = serverUrl()): Promise<void> {
  await withClient(server, async (c) => {
    for (const r of names) await c.query(`DROP ROLE IF EXISTS ${ident(r)}`);
  });
}
