// ALTER EXTENSION pg_durable UPDATE from every kept release to this version gives exactly
// what a fresh install of this version is: every routine (definition, attributes, owner,
// privileges, comment), table, column, default, constraint, index, policy, sequence,
// operator and extension member (catalog.ts). Roles given usage before the upgrade (plainly,
// with df.http, as delegated administrators and by one) hold the same privileges as roles
// given it after a fresh install, the routines new in this version included. A change to
// the templates that no upgrade step carries fails here, naming the lines that differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../support/scratch.js';
import { urlFor } from '../support/server.js';
import { createLoginRoles, dropRoles } from '../support/roles.js';
import { describeInstallation } from './catalog.js';
import { currentVersion, previousRelease, releasedVersions } from './releases.js';

const tag = `pgd_upg_${process.pid}`;
const roles = { plain: `${tag}_plain`, http: `${tag}_http`, admin: `${tag}_admin`, delegated: `${tag}_delegated` };
const scratches: Scratch[] = [];

beforeAll(async () => createLoginRoles(Object.values(roles)));
afterAll(async () => {
  for (const s of scratches) await s.drop();
  await dropRoles(Object.values(roles));
});

async function scratchDatabase(label: string): Promise<{ scratch: Scratch; admin: pg.Client }> {
  const scratch = await createScratch(label);
  scratches.push(scratch);
  const admin = await scratch.admin();
  await admin.query('SET client_min_messages = warning');
  return { scratch, admin };
}

/** Usage as administrators hand it out: by a superuser, and by a delegated administrator. */
async function grantUsage(scratch: Scratch, admin: pg.Client): Promise<void> {
  await admin.query('SELECT df.grant_usage($1)', [roles.plain]);
  await admin.query('SELECT df.grant_usage($1, include_http => true)', [roles.http]);
  await admin.query('SELECT df.grant_usage($1, with_grant => true)', [roles.admin]);
  const delegated = new pg.Client({ connectionString: urlFor(scratch.name, roles.admin) });
  await delegated.connect();
  try {
    await delegated.query('SET client_min_messages = warning');
    await delegated.query('SELECT df.grant_usage($1)', [roles.delegated]);
  } finally {
    await delegated.end();
  }
}

/** The lines only one side has, each side listed apart. */
function difference(upgraded: string[], fresh: string[]) {
  const count = new Map<string, number>();
  for (const l of fresh) count.set(l, (count.get(l) ?? 0) + 1);
  const onlyAfterUpgrade: string[] = [];
  for (const l of upgraded) {
    const n = count.get(l) ?? 0;
    if (n > 0) count.set(l, n - 1);
    else onlyAfterUpgrade.push(l);
  }
  const onlyInFreshInstall = [...count].flatMap(([l, n]) => Array<string>(n).fill(l));
  return { onlyAfterUpgrade, onlyInFreshInstall };
}

let fresh: string[];
beforeAll(async () => {
  const { scratch, admin } = await scratchDatabase('upgrade_fresh');
  await admin.query('CREATE EXTENSION pg_durable CASCADE');
  await grantUsage(scratch, admin);
  fresh = await describeInstallation(admin);
});

describe.each(releasedVersions)(`ALTER EXTENSION pg_durable UPDATE from %s to ${currentVersion}`, (from) => {
  it('gives exactly the catalog of a fresh install, the privileges of roles with usage included', async () => {
    const { scratch, admin } = await scratchDatabase(`upgrade_from_${from}`);
    await admin.query(`CREATE EXTENSION pg_durable VERSION '${from}' CASCADE`);
    await grantUsage(scratch, admin);
    // Two routines this version does not declare (the second calls the first), as a release
    // has them when a later version removes them: the upgrade drops both.
    await admin.query(`CREATE FUNCTION df._removed_inner() RETURNS integer LANGUAGE sql RETURN 1`);
    await admin.query(`CREATE FUNCTION df._removed_outer() RETURNS integer LANGUAGE sql RETURN df._removed_inner()`);
    await admin.query(`ALTER EXTENSION pg_durable ADD FUNCTION df._removed_inner()`);
    await admin.query(`ALTER EXTENSION pg_durable ADD FUNCTION df._removed_outer()`);
    expect(await describeInstallation(admin)).not.toEqual(fresh);

    await admin.query(`ALTER EXTENSION pg_durable UPDATE TO '${currentVersion}'`);

    const upgraded = await describeInstallation(admin);
    expect(upgraded).toContain(`extension pg_durable version ${currentVersion} relocatable f config -`);
    expect(
      difference(upgraded, fresh),
      `the upgrade from ${from} does not give what a fresh install of ${currentVersion} is: carry the change into ` +
        `extension/upgrade/${previousRelease}--${currentVersion}.sql (docs/operations-upgrades.md)`,
    ).toEqual({ onlyAfterUpgrade: [], onlyInFreshInstall: [] });
  });
});

describe('the catalog description', () => {
  it('covers the privileges df.grant_usage hands out', () => {
    const routine = fresh.find((l) => l.startsWith('routine df.start(') && l.includes(' acl '));
    expect(routine).toContain(`${roles.plain}=EXECUTE/`);
    expect(routine).toContain(`${roles.delegated}=EXECUTE/`);
    expect(fresh.find((l) => l.startsWith('routine df._js_http(') && l.includes(' acl '))).toContain(`${roles.http}=EXECUTE/`);
    expect(fresh.find((l) => l.startsWith('column df.instances #002 label '))).toContain(`${roles.plain}=INSERT/`);
    expect(fresh.some((l) => l.startsWith('policy df.instances own_instances'))).toBe(true);
    expect(fresh.some((l) => l.startsWith('operator ~>(text,text) function df.seq(text,text)'))).toBe(true);
  });
});
