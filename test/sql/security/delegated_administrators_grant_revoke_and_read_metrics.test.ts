// df.grant_usage(role, with_grant => true) makes a delegated administrator: it may grant and
// revoke usage for other roles and read df.metrics over every role's instances. Everything
// is granted by the extension owner (the administrators' functions are SECURITY DEFINER), so
// a delegated administrator can revoke what a superuser granted, and revoking an
// administrator takes back what it passed on. Each test tries what an attacker or a confused
// administrator would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createScratch, type Scratch } from '../../support/scratch.js';
import { serverUrl, urlFor, withClient } from '../../support/server.js';
import { createLoginRoles, dropRoles, ident } from '../../support/roles.js';

const tag = `deleg_${process.pid}`;
const R = {
  admin: `pgd_admin_${tag}`, // delegated by the superuser
  admin2: `pgd_admin2_${tag}`, // delegated by the superuser, with df.http
  puppet: `pgd_puppet_${tag}`, // made an administrator by admin
  sub: `pgd_sub_${tag}`,
  shared: `pgd_shared_${tag}`,
  user: `pgd_user_${tag}`, // plain usage from the superuser
  plain: `pgd_plain_${tag}`, // LOGIN, no usage
  legacy: `pgd_legacy_${tag}`,
  member: `pgd_member_${tag}`,
  x: `pgd_x_${tag}`,
};

let scratch: Scratch;
let su: pg.Client;

beforeAll(async () => {
  scratch = await createScratch('delegation', ['pg_durable']);
  await createLoginRoles(Object.values(R));
  su = await scratch.admin();
  await su.query(`SET client_min_messages = warning`);
  await su.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.admin]);
  await su.query(`SELECT df.grant_usage($1, include_http => true, with_grant => true)`, [R.admin2]);
  await su.query(`SELECT df.grant_usage($1)`, [R.user]);
});

afterAll(async () => {
  await scratch?.drop();
  await dropRoles(Object.values(R));
});

/** Runs fn in a session authenticated as role; collects the NOTICEs and WARNINGs it gets. */
async function as<T>(role: string, fn: (c: pg.Client, notices: string[]) => Promise<T>): Promise<T> {
  return withClient(urlFor(scratch.name, role), async (c) => {
    const notices: string[] = [];
    c.on('notice', (n) => notices.push(n.message ?? ''));
    return fn(c, notices);
  });
}

async function hasUsage(role: string): Promise<boolean> {
  const { rows } = await su.query(`SELECT has_schema_privilege($1, 'df', 'USAGE') AS u`, [role]);
  return rows[0].u;
}

async function isAdministrator(role: string): Promise<boolean> {
  const { rows } = await su.query(
    `SELECT has_function_privilege($1, 'df.grant_usage(text,boolean,boolean)', 'EXECUTE') AS a`,
    [role],
  );
  return rows[0].a;
}

/** Every ACL entry on schema df and its objects that names the role (as grantee or grantor). */
async function aclEntries(role: string): Promise<string[]> {
  const { rows } = await su.query(
    `WITH acls AS (
       SELECT 'schema df' AS obj, n.nspacl AS acl FROM pg_namespace n WHERE n.nspname = 'df'
       UNION ALL SELECT c.oid::regclass::text, c.relacl FROM pg_class c WHERE c.relnamespace = 'df'::regnamespace
       UNION ALL SELECT p.oid::regprocedure::text, p.proacl FROM pg_proc p WHERE p.pronamespace = 'df'::regnamespace)
     SELECT obj || ' ' || a.privilege_type AS e
     FROM acls CROSS JOIN LATERAL aclexplode(acl) a
     WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1)
        OR a.grantor = (SELECT oid FROM pg_roles WHERE rolname = $1)
     ORDER BY 1`,
    [role],
  );
  return rows.map((r) => r.e);
}

describe('without with_grant', () => {
  it('a role without usage, or with plain usage, cannot grant, revoke or read metrics', async () => {
    await as(R.plain, async (c) => {
      await expect(c.query(`SELECT df.grant_usage($1)`, [R.plain])).rejects.toThrow('permission denied for schema df');
      await expect(c.query(`SELECT * FROM df.metrics()`)).rejects.toThrow('permission denied for schema df');
    });
    await as(R.user, async (c) => {
      await expect(c.query(`SELECT df.grant_usage($1)`, [R.plain])).rejects.toThrow('permission denied for function grant_usage');
      await expect(c.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.user])).rejects.toThrow(
        'permission denied for function grant_usage',
      );
      await expect(c.query(`SELECT df.revoke_usage($1)`, [R.admin])).rejects.toThrow('permission denied for function revoke_usage');
      await expect(c.query(`SELECT * FROM df.metrics()`)).rejects.toThrow('permission denied for function metrics');
      for (const admin of ['df.schedule_workers($1)', 'df.unschedule_workers($1)']) {
        await expect(c.query(`SELECT ${admin}`, [R.user])).rejects.toThrow('permission denied for function');
      }
      await expect(c.query(`SELECT df.fail_orphaned_instances()`)).rejects.toThrow('permission denied for function');
      await expect(c.query(`SELECT * FROM df._usage_privileges()`)).rejects.toThrow('permission denied for function');
      await expect(c.query(`SELECT * FROM df.usage_grants`)).rejects.toThrow('permission denied for table usage_grants');
      // A plain GRANT passes nothing on: usage carries no grant option.
      await c.query(`GRANT SELECT ON df.instances TO ${ident(R.plain)}`).catch(() => undefined);
      await c.query(`GRANT EXECUTE ON FUNCTION df.start(text,text,text,text) TO ${ident(R.plain)}`).catch(() => undefined);
    });
    expect(await hasUsage(R.plain)).toBe(false);
    expect(await aclEntries(R.plain)).toEqual([]);
  });

  it('usage is exactly the privileges df._usage_privileges lists, and never identity, ownership or deletion', async () => {
    const check = async (sql: string) => (await su.query(sql, [R.user])).rows[0].ok as boolean;
    // Each listed privilege is held…
    const { rows: missing } = await su.query(
      `SELECT u.object_name, u.privileges FROM df._usage_privileges() u
       WHERE u.part = 'usage' AND NOT CASE u.object_type
         WHEN 'SCHEMA' THEN has_schema_privilege($1, u.object_name, u.privileges)
         WHEN 'SEQUENCE' THEN has_sequence_privilege($1, u.object_name, u.privileges)
         WHEN 'ROUTINE' THEN has_function_privilege($1, u.object_name, u.privileges)
         ELSE has_table_privilege($1, u.object_name, 'SELECT') END`,
      [R.user],
    );
    expect(missing).toEqual([]);
    // …and nothing else: every routine outside the usage part is refused.
    const { rows: extra } = await su.query(
      `SELECT p.oid::regprocedure::text AS routine FROM pg_proc p
       WHERE p.pronamespace = 'df'::regnamespace AND has_function_privilege($1, p.oid, 'EXECUTE')
         AND p.oid::regprocedure::text NOT IN (SELECT object_name FROM df._usage_privileges() WHERE part = 'usage')`,
      [R.user],
    );
    expect(extra).toEqual([]);
    for (const col of ['id', 'submitted_by', 'status', 'database', 'created_at']) {
      expect(await check(`SELECT has_column_privilege($1, 'df.instances', '${col}', 'INSERT') AS ok`), col).toBe(false);
    }
    expect(await check(`SELECT has_column_privilege($1, 'df.instances', 'label', 'INSERT') AS ok`)).toBe(true);
    expect(await check(`SELECT has_column_privilege($1, 'df.nodes', 'submitted_by', 'INSERT') AS ok`)).toBe(false);
    for (const [table, owner, key] of [
      ['df.instances', 'submitted_by', 'id'],
      ['df.nodes', 'submitted_by', 'instance_id'],
      ['df.vars', 'owner', 'name'],
      ['df.activations', 'owner', 'id'],
      ['df.signals', 'owner', 'id'],
      ['df.results', 'owner', 'instance_id'],
      ['df.branch_results', 'owner', 'activation_id'],
    ]) {
      expect(await check(`SELECT has_column_privilege($1, '${table}', '${owner}', 'UPDATE') AS ok`), table).toBe(false);
      expect(await check(`SELECT has_column_privilege($1, '${table}', '${key}', 'UPDATE') AS ok`), table).toBe(false);
      expect(await check(`SELECT has_table_privilege($1, '${table}', 'SELECT') AS ok`), table).toBe(true);
      expect(await check(`SELECT has_table_privilege($1, '${table}', 'TRUNCATE, REFERENCES, TRIGGER') AS ok`), table).toBe(false);
    }
    expect(await check(`SELECT has_table_privilege($1, 'df.instances', 'DELETE') AS ok`)).toBe(false);
    expect(await check(`SELECT has_table_privilege($1, 'df.nodes', 'DELETE') AS ok`)).toBe(false);
    expect(await check(`SELECT has_sequence_privilege($1, 'df.activations_id_seq', 'USAGE') AS ok`)).toBe(true);
    expect(await check(`SELECT has_function_privilege($1, 'df.start(text,text,text,text)', 'EXECUTE') AS ok`)).toBe(true);
    expect(await check(`SELECT has_function_privilege($1, 'df._fail_orphaned_instances()', 'EXECUTE') AS ok`)).toBe(true);
    expect(await check(`SELECT has_function_privilege($1, 'df.http(text,text,text,jsonb,integer)', 'EXECUTE') AS ok`)).toBe(false);

    // Every relation the list names exists; only df.usage_grants and the egress policy (read through df.http_policy()) are left out.
    const { rows: listed } = await su.query(
      `SELECT object_name FROM df._usage_privileges() WHERE object_type IN ('TABLE', 'SEQUENCE') ORDER BY 1`,
    );
    const { rows: all } = await su.query(
      `SELECT c.oid::regclass::text AS object_name FROM pg_class c
       WHERE c.relnamespace = 'df'::regnamespace AND c.relkind IN ('r', 'S', 'p') AND c.relname NOT IN ('usage_grants', 'http_policy_settings') ORDER BY 1`,
    );
    expect(listed.map((r) => r.object_name)).toEqual(all.map((r) => r.object_name));

    // No entry anywhere in df carries a grant option, for any role.
    const { rows: grantable } = await su.query(
      `WITH acls AS (
         SELECT n.nspacl AS acl FROM pg_namespace n WHERE n.nspname = 'df'
         UNION ALL SELECT c.relacl FROM pg_class c WHERE c.relnamespace = 'df'::regnamespace
         UNION ALL SELECT p.proacl FROM pg_proc p WHERE p.pronamespace = 'df'::regnamespace)
       SELECT a.grantee::regrole::text AS who, a.privilege_type FROM acls CROSS JOIN LATERAL aclexplode(acl) a
       WHERE a.is_grantable AND a.grantee <> (SELECT nspowner FROM pg_namespace WHERE nspname = 'df')`,
    );
    expect(grantable).toEqual([]);
  });
});

describe('a delegated administrator (with_grant => true)', () => {
  it('grants usage to another role, which can then use pg_durable, and names it in a NOTICE', async () => {
    await as(R.admin, async (c, notices) => {
      await c.query(`SELECT df.grant_usage($1)`, [R.x]);
      expect(notices).toEqual([`pg_durable: granted usage to role ${R.x}`]);
    });
    expect(await hasUsage(R.x)).toBe(true);
    expect(await isAdministrator(R.x)).toBe(false);
    await as(R.x, async (c) => {
      expect((await c.query(`SELECT df.status('00000000') AS s`)).rows[0].s).toBeNull();
    });
  });

  it('reads df.metrics over every role’s instances, which its own queries cannot see', async () => {
    await su.query(`DELETE FROM df.instances`);
    await su.query(
      `INSERT INTO df.instances (id, label, submitted_by, status)
       VALUES ('00000001', 'a', $1::regrole, 'running'), ('00000002', 'b', $2::regrole, 'completed'),
              ('00000003', 'c', $2::regrole, 'failed'), ('00000004', 'd', $3::regrole, 'pending')`,
      [ident(R.user), ident(R.x), ident(R.sub)],
    );
    const metrics = await as(R.admin, async (c) => {
      expect((await c.query(`SELECT count(*)::int AS n FROM df.instances`)).rows[0].n).toBe(0);
      return (await c.query(`SELECT * FROM df.metrics()`)).rows[0];
    });
    expect(metrics).toMatchObject({
      total_instances: '4',
      running_instances: '1',
      completed_instances: '1',
      failed_instances: '1',
      total_executions: '4',
    });
    expect((await su.query(`SELECT * FROM df.metrics()`)).rows[0]).toEqual(metrics);
    await su.query(`DELETE FROM df.instances`);
  });

  it('revokes usage that the superuser granted, leaving no privilege behind', async () => {
    await su.query(`SELECT df.grant_usage($1, include_http => true)`, [R.shared]);
    expect(await hasUsage(R.shared)).toBe(true);
    await as(R.admin, async (c, notices) => {
      await c.query(`SELECT df.revoke_usage($1)`, [R.shared]);
      expect(notices).toEqual([`pg_durable: revoked usage from role ${R.shared}`]);
    });
    expect(await hasUsage(R.shared)).toBe(false);
    expect(await aclEntries(R.shared)).toEqual([]);
    await as(R.shared, async (c) => {
      await expect(c.query(`SELECT df.start('SELECT 1')`)).rejects.toThrow('permission denied for schema df');
    });
  });

  it('revokes what someone passed on through a grant option given by hand (CASCADE)', async () => {
    // A confused administrator's manual GRANT … WITH GRANT OPTION, and what the target re-granted with it.
    await su.query(`SELECT df.grant_usage($1)`, [R.legacy]);
    await su.query(`GRANT SELECT ON df.instances TO ${ident(R.legacy)} WITH GRANT OPTION`);
    await as(R.legacy, (c) => c.query(`GRANT SELECT ON df.instances TO ${ident(R.plain)}`));
    expect((await su.query(`SELECT has_table_privilege($1, 'df.instances', 'SELECT') AS ok`, [R.plain])).rows[0].ok).toBe(true);
    await as(R.admin, (c) => c.query(`SELECT df.revoke_usage($1)`, [R.legacy]));
    expect(await aclEntries(R.legacy)).toEqual([]);
    expect(await aclEntries(R.plain)).toEqual([]);
  });

  it('cannot hand out df.http it lacks, not even to itself; one that has it can', async () => {
    await as(R.admin, async (c) => {
      await expect(c.query(`SELECT df.grant_usage($1, include_http => true)`, [R.x])).rejects.toThrow(
        `role ${R.admin} may not grant df.http: it cannot use df.http itself`,
      );
      await expect(c.query(`SELECT df.grant_usage($1, include_http => true)`, [R.admin])).rejects.toThrow('may not grant df.http');
    });
    expect(
      (await su.query(`SELECT has_function_privilege($1, 'df.http(text,text,text,jsonb,integer)', 'EXECUTE') AS ok`, [R.x])).rows[0].ok,
    ).toBe(false);
    await as(R.admin2, (c) => c.query(`SELECT df.grant_usage($1, include_http => true)`, [R.x]));
    expect(
      (await su.query(`SELECT has_function_privilege($1, 'df.http(text,text,text,jsonb,integer)', 'EXECUTE') AS ok`, [R.x])).rows[0].ok,
    ).toBe(true);
  });

  it('cannot revoke itself, a superuser or the extension owner, and says why', async () => {
    await as(R.admin, async (c) => {
      await expect(c.query(`SELECT df.revoke_usage($1)`, [R.admin])).rejects.toThrow(`role ${R.admin} cannot revoke its own usage`);
      await expect(c.query(`SELECT df.revoke_usage('postgres')`)).rejects.toThrow(
        'role postgres is a superuser: it has every privilege whatever is granted, so there is no usage to revoke',
      );
      await expect(c.query(`SELECT df.revoke_usage('no such role')`)).rejects.toThrow('role "no such role" does not exist');
      await expect(c.query(`SELECT df.revoke_usage(NULL)`)).rejects.toThrow('df.revoke_usage needs a role name, got NULL');
    });
    expect(await isAdministrator(R.admin)).toBe(true);
  });

  it('cannot be laundered through a SECURITY DEFINER function it owns', async () => {
    await su.query(`GRANT CREATE ON SCHEMA public TO ${ident(R.admin)}`);
    await as(R.admin, async (c) => {
      await c.query(
        `CREATE FUNCTION public.give(r text) RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ SELECT df.grant_usage(r) $$`,
      );
      await c.query(`GRANT EXECUTE ON FUNCTION public.give(text) TO ${ident(R.user)}`);
    });
    await as(R.user, async (c) => {
      await expect(c.query(`SELECT public.give($1)`, [R.plain])).rejects.toThrow(`role ${R.user} may not grant pg_durable usage`);
    });
    expect(await hasUsage(R.plain)).toBe(false);
  });

  it('acts as the role it SET ROLE to, and that role is the grantor of record', async () => {
    await su.query(`GRANT ${ident(R.admin)} TO ${ident(R.member)}`);
    await as(R.member, async (c) => {
      await c.query(`SET ROLE ${ident(R.admin)}`);
      await c.query(`SELECT df.grant_usage($1)`, [R.sub]);
    });
    const { rows } = await su.query(
      `SELECT granted_by::oid = (SELECT oid FROM pg_roles WHERE rolname = $2) AS by_admin FROM df.usage_grants
       WHERE grantee::oid = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
      [R.sub, R.admin],
    );
    expect(rows).toEqual([{ by_admin: true }]);
    await su.query(`REVOKE ${ident(R.admin)} FROM ${ident(R.member)}`);
    await su.query(`SELECT df.revoke_usage($1)`, [R.sub]);
  });
});

describe('revoking a delegated administrator', () => {
  it('takes back what it granted, through chains and circles of re-grants, but not what others granted too', async () => {
    // admin → puppet (administrator) → sub; puppet → admin (a circle); shared from both admin and the superuser.
    await as(R.admin, async (c) => {
      await c.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.puppet]);
      await c.query(`SELECT df.grant_usage($1)`, [R.shared]);
    });
    await as(R.puppet, async (c) => {
      await c.query(`SELECT df.grant_usage($1)`, [R.sub]);
      await c.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.admin]);
    });
    await su.query(`SELECT df.grant_usage($1)`, [R.shared]);
    for (const r of [R.puppet, R.sub, R.shared]) expect(await hasUsage(r), r).toBe(true);

    const notices = await as(R.admin2, async (c, n) => {
      await c.query(`SELECT df.revoke_usage($1)`, [R.admin]);
      return n;
    });
    expect(notices).toContain(`pg_durable: revoked usage from role ${R.admin}`);
    expect(notices).toContain(
      `pg_durable: revoked usage from role ${R.puppet} (it was granted by administrators who lost that right)`,
    );
    expect(notices).toContain(`pg_durable: revoked usage from role ${R.sub} (it was granted by administrators who lost that right)`);
    for (const r of [R.admin, R.puppet, R.sub]) {
      expect(await hasUsage(r), r).toBe(false);
      expect(await aclEntries(r), r).toEqual([]);
    }
    // The superuser's own grant to shared still holds; x got usage from admin and df.http from admin2.
    expect(await hasUsage(R.shared)).toBe(true);
    expect(await hasUsage(R.x)).toBe(true);
    await as(R.puppet, async (c) => {
      await expect(c.query(`SELECT df.grant_usage($1)`, [R.admin])).rejects.toThrow('permission denied for schema df');
    });
  });

  it('keeps a grantee’s usage but takes the administration that only it gave', async () => {
    await su.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.admin]);
    await as(R.admin, (c) => c.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.puppet]));
    await su.query(`SELECT df.grant_usage($1)`, [R.puppet]);
    expect(await isAdministrator(R.puppet)).toBe(true);
    await su.query(`SELECT df.revoke_usage($1)`, [R.admin]);
    expect(await hasUsage(R.puppet)).toBe(true);
    expect(await isAdministrator(R.puppet)).toBe(false);
  });

  it('wins against a grant it races: the revoked administrator’s pending grant is refused', async () => {
    await su.query(`SELECT df.grant_usage($1, with_grant => true)`, [R.admin]);
    const x2 = `pgd_x2_${tag}`;
    await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${ident(x2)}; CREATE ROLE ${ident(x2)} LOGIN`));
    try {
      await su.query('BEGIN');
      await su.query(`SELECT df.revoke_usage($1)`, [R.admin]);
      const pending = as(R.admin, (c) => c.query(`SELECT df.grant_usage($1)`, [x2])).then(
        () => 'granted',
        (e: Error) => e.message,
      );
      await new Promise((r) => setTimeout(r, 300));
      await su.query('COMMIT');
      expect(await pending).toBe(`role ${R.admin} may not grant pg_durable usage`);
      expect(await hasUsage(x2)).toBe(false);
    } finally {
      await su.query('ROLLBACK').catch(() => undefined);
      await withClient(serverUrl(), (c) => c.query(`DROP ROLE IF EXISTS ${ident(x2)}`));
    }
  });

  it('warns when the role can still use pg_durable through a role it belongs to', async () => {
    await su.query(`SELECT df.grant_usage($1)`, [R.sub]);
    await su.query(`GRANT ${ident(R.user)} TO ${ident(R.sub)}`);
    const notices = await as(R.admin2, async (c, n) => {
      await c.query(`SELECT df.revoke_usage($1)`, [R.sub]);
      return n;
    });
    expect(notices).toContain(`role ${R.sub} can still use pg_durable through role(s) it belongs to: ${R.user}`);
    await su.query(`REVOKE ${ident(R.user)} FROM ${ident(R.sub)}`);
  });
});
