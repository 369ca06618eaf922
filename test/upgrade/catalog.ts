// What an installation of pg_durable is, as lines of text to compare between databases: the
// extension's members, and of schema df every routine (definition, attributes, owner,
// privileges, comment), relation (columns with types, defaults and privileges, constraints,
// indexes, triggers, policies, row-level security, sequences, comments), type, operator and
// default privilege. Object ids, and the order in which objects were created, are left out;
// a column's position is kept (a fresh install and an upgrade must agree on it too).
import type pg from 'pg';

/** An ACL as sorted, readable grants: `grantee=privileges/grantor` with `*` for grant options. */
const acl = (column: string) => `(SELECT coalesce(string_agg(x, ' ' ORDER BY x), '-') FROM (
    SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END || '=' ||
           string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN '*' ELSE '' END, ',' ORDER BY a.privilege_type) ||
           '/' || pg_get_userbyid(a.grantor) AS x
    FROM aclexplode(${column}) a GROUP BY a.grantee, a.grantor) g)`;

/** Objects of schema df, and the extension's members elsewhere (operators live in public). */
const ours = (oid: string, namespace: string, catalog: string) => `(${namespace} = 'df'::regnamespace OR ${oid} IN (
    SELECT d.objid FROM pg_depend d
    WHERE d.classid = '${catalog}'::regclass AND d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass
      AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'pg_durable')))`;

// Each query gives (line) rows; the lines of all of them are sorted together.
const QUERIES: string[] = [
  // The extension itself: version, configuration tables, and every member object.
  `SELECT format('extension %s version %s relocatable %s config %s', e.extname, e.extversion, e.extrelocatable,
                 coalesce((SELECT string_agg(c::regclass::text, ',' ORDER BY c::regclass::text) FROM unnest(e.extconfig) c), '-'))
   FROM pg_extension e WHERE e.extname = 'pg_durable'`,
  `SELECT format('member %s %s', o.type, o.identity)
   FROM pg_depend d CROSS JOIN LATERAL pg_identify_object(d.classid, d.objid, d.objsubid) o
   WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
     AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'pg_durable')`,
  `SELECT format('schema df owner %s acl %s comment %s', pg_get_userbyid(n.nspowner), ${acl('n.nspacl')},
                 coalesce(quote_literal(obj_description(n.oid, 'pg_namespace')), '-'))
   FROM pg_namespace n WHERE n.nspname = 'df'`,
  // Routines: the whole definition, line by line, then what the definition does not show.
  `SELECT format('routine %s line %s | %s', p.oid::regprocedure, lpad(l.n::text, 5, '0'), l.line)
   FROM pg_proc p CROSS JOIN LATERAL regexp_split_to_table(pg_get_functiondef(p.oid), '\\n') WITH ORDINALITY AS l (line, n)
   WHERE ${ours('p.oid', 'p.pronamespace', 'pg_proc')}`,
  `SELECT format('routine %s kind %s language %s owner %s cost %s rows %s acl %s comment %s', p.oid::regprocedure,
                 p.prokind, l.lanname, pg_get_userbyid(p.proowner), p.procost, p.prorows, ${acl('p.proacl')},
                 coalesce(quote_literal(obj_description(p.oid, 'pg_proc')), '-'))
   FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE ${ours('p.oid', 'p.pronamespace', 'pg_proc')}`,
  // Relations, their columns, constraints, indexes, triggers and policies.
  `SELECT format('relation %s kind %s owner %s rls %s force_rls %s options %s acl %s comment %s', c.oid::regclass,
                 c.relkind, pg_get_userbyid(c.relowner), c.relrowsecurity, c.relforcerowsecurity,
                 coalesce(array_to_string(c.reloptions, ','), '-'), ${acl('c.relacl')},
                 coalesce(quote_literal(obj_description(c.oid, 'pg_class')), '-'))
   FROM pg_class c WHERE c.relnamespace = 'df'::regnamespace`,
  `SELECT format('column %s #%s %s type %s not_null %s default %s identity %s generated %s collation %s statistics %s acl %s comment %s',
                 c.oid::regclass, lpad((row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum))::text, 3, '0'), quote_ident(a.attname),
                 format_type(a.atttypid, a.atttypmod), a.attnotnull, coalesce(pg_get_expr(d.adbin, d.adrelid), '-'),
                 coalesce(nullif(a.attidentity, ''), '-'), coalesce(nullif(a.attgenerated, ''), '-'), coalesce(co.collname, '-'),
                 coalesce((SELECT string_agg(o, ',' ORDER BY o) FROM unnest(a.attoptions) o WHERE o LIKE 'n\\_distinct%'), '-'),
                 ${acl('a.attacl')},
                 coalesce(quote_literal(col_description(c.oid, a.attnum)), '-'))
   FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
   WHERE c.relnamespace = 'df'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')`,
  `SELECT format('constraint %s %s %s comment %s', t.conrelid::regclass, quote_ident(t.conname), pg_get_constraintdef(t.oid),
                 coalesce(quote_literal(obj_description(t.oid, 'pg_constraint')), '-'))
   FROM pg_constraint t WHERE t.connamespace = 'df'::regnamespace`,
  `SELECT format('index %s %s clustered %s comment %s', i.indexrelid::regclass, pg_get_indexdef(i.indexrelid), i.indisclustered,
                 coalesce(quote_literal(obj_description(i.indexrelid, 'pg_class')), '-'))
   FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'df'::regnamespace`,
  `SELECT format('trigger %s %s enabled %s', t.tgrelid::regclass, pg_get_triggerdef(t.oid), t.tgenabled)
   FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'df'::regnamespace AND NOT t.tgisinternal`,
  `SELECT format('policy %s %s cmd %s permissive %s roles %s using %s check %s', p.polrelid::regclass, quote_ident(p.polname),
                 p.polcmd, p.polpermissive,
                 (SELECT string_agg(x.name, ',' ORDER BY x.name)
                  FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END AS name FROM unnest(p.polroles) r) x),
                 coalesce(pg_get_expr(p.polqual, p.polrelid), '-'), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-'))
   FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'df'::regnamespace`,
  `SELECT format('sequence %s type %s start %s increment %s min %s max %s cache %s cycle %s owned_by %s', s.seqrelid::regclass,
                 format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                 coalesce((SELECT format('%s.%s', d.refobjid::regclass, a.attname) FROM pg_depend d
                           JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                             AND d.refclassid = 'pg_class'::regclass), '-'))
   FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = 'df'::regnamespace`,
  `SELECT format('view %s %s', c.oid::regclass, pg_get_viewdef(c.oid))
   FROM pg_class c WHERE c.relnamespace = 'df'::regnamespace AND c.relkind IN ('v', 'm')`,
  // Types of their own (not the row types of relations, not arrays).
  `SELECT format('type %s kind %s owner %s base %s labels %s constraints %s acl %s comment %s', t.oid::regtype, t.typtype,
                 pg_get_userbyid(t.typowner), coalesce(nullif(t.typbasetype, 0)::regtype::text, '-'),
                 coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '-'),
                 coalesce((SELECT string_agg(pg_get_constraintdef(k.oid), ' ' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid), '-'),
                 ${acl('t.typacl')}, coalesce(quote_literal(obj_description(t.oid, 'pg_type')), '-'))
   FROM pg_type t
   WHERE t.typnamespace = 'df'::regnamespace AND t.typelem = 0
     AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')`,
  // Operators of the extension (they live in public) and in df.
  `SELECT format('operator %s function %s result %s commutator %s negator %s restrict %s join %s owner %s comment %s',
                 o.oid::regoperator, o.oprcode::regprocedure, o.oprresult::regtype, nullif(o.oprcom, 0)::regoperator,
                 nullif(o.oprnegate, 0)::regoperator, nullif(o.oprrest, 0)::regproc, nullif(o.oprjoin, 0)::regproc,
                 pg_get_userbyid(o.oprowner), coalesce(quote_literal(obj_description(o.oid, 'pg_operator')), '-'))
   FROM pg_operator o WHERE ${ours('o.oid', 'o.oprnamespace', 'pg_operator')}`,
  `SELECT format('default privileges for %s on %s: %s', pg_get_userbyid(a.defaclrole), a.defaclobjtype, ${acl('a.defaclacl')})
   FROM pg_default_acl a WHERE a.defaclnamespace = 'df'::regnamespace`,
];

/** The installation of pg_durable in the client's database, one sorted line per fact. */
export async function describeInstallation(client: pg.Client): Promise<string[]> {
  const lines: string[] = [];
  for (const q of QUERIES) {
    const { rows } = await client.query<{ line: string }>(`SELECT line FROM (${q}) AS q (line)`);
    lines.push(...rows.map((r) => r.line));
  }
  return lines.sort();
}
