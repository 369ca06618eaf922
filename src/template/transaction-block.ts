// Recognises the statements PostgreSQL refuses inside a transaction block (spec outside-steps
// §5), from the lexer's code segments, so words inside literals, quoted identifiers and comments
// never count. Forms that refuse one only for some objects (CLUSTER t or REINDEX TABLE t of a
// partitioned table) cannot be told from the text; PostgreSQL's own error covers those.
import { STANDARD_STRINGS, type StringSettings, lexSql } from './lexer.js';

export interface OutsideForm {
  /** A display name: 'VACUUM', 'CREATE INDEX CONCURRENTLY', 'REINDEX DATABASE', … */
  form: string;
  /** The text holds no other statement (empty statements and trailing semicolons do not count). */
  alone: boolean;
}

interface Token {
  kind: 'word' | 'name' | 'string' | 'number' | 'symbol';
  text: string; // a word lower-cased; a quoted name or a string without its quotes
}

/**
 * The first statement of `sql` that cannot run inside a transaction block, or null. A text of
 * several statements runs as one transaction block, so such a form can work only `alone`.
 * `strings`: the settings of the session that will run `sql`.
 */
export function outsideTransactionForm(sql: string, strings: StringSettings = STANDARD_STRINGS): OutsideForm | null {
  const statements = splitStatements(tokenize(sql, strings));
  for (const statement of statements) {
    const form = formOf(statement);
    if (form !== null) return { form, alone: statements.length === 1 };
  }
  return null;
}

function tokenize(sql: string, strings: StringSettings): Token[] {
  const out: Token[] = [];
  for (const seg of lexSql(sql, strings)) {
    if (seg.kind === 'code') {
      for (const [text, word, number] of seg.text.matchAll(/([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)|([0-9]+)|\S/g)) {
        if (word !== undefined) out.push({ kind: 'word', text: text.toLowerCase() });
        else out.push({ kind: number !== undefined ? 'number' : 'symbol', text });
      }
    } else if (seg.kind === 'quoted_identifier') {
      out.push({ kind: 'name', text: unquote(seg.text, '"') });
    } else if (seg.kind === 'string') {
      out.push({ kind: 'string', text: unquote(seg.text.replace(/^[EeNn](?=')/, ''), "'") });
    } else if (seg.kind === 'dollar_quoted') {
      out.push({ kind: 'string', text: seg.text.replace(/^(\$[^$]*\$)([\s\S]*)\1$/, '$2') });
    }
  }
  return out;
}

/** The body of a closed quoted region with doubled quotes undone; anything else stays as is. */
function unquote(text: string, quote: string): string {
  if (text.length < 2 || !text.startsWith(quote) || !text.endsWith(quote)) return text;
  return text.slice(1, -1).split(quote + quote).join(quote);
}

/** Statements split at top-level semicolons; empty ones (`;;`, comments only) dropped. */
function splitStatements(tokens: Token[]): Token[][] {
  const statements: Token[][] = [[]];
  for (const t of tokens) {
    if (isSymbol(t, ';')) statements.push([]);
    else statements[statements.length - 1].push(t);
  }
  return statements.filter((s) => s.length > 0);
}

function formOf(toks: Token[]): string | null {
  const word = (i: number): string | undefined => (toks[i]?.kind === 'word' ? toks[i].text : undefined);
  const head = `${word(0)} ${word(1)}`;
  if (word(0) === 'vacuum') return 'VACUUM';
  if (head === 'alter system') return 'ALTER SYSTEM';
  if (/^(create|drop) (database|tablespace)$/.test(head)) return head.toUpperCase();
  if (head === 'drop index' && word(2) === 'concurrently') return 'DROP INDEX CONCURRENTLY';
  const unique = word(1) === 'unique' ? 1 : 0;
  if (word(0) === 'create' && word(1 + unique) === 'index' && word(2 + unique) === 'concurrently') return 'CREATE INDEX CONCURRENTLY';
  if (word(0) === 'reindex') return reindexForm(toks);
  if (word(0) === 'cluster') return clusterForm(toks);
  if (head === 'alter database') return alterDatabaseForm(toks);
  if (head === 'alter table') return detachConcurrently(toks);
  if (head === 'create subscription') return createSubscriptionForm(toks);
  if (head === 'drop subscription') return 'DROP SUBSCRIPTION';
  if (head === 'alter subscription') return alterSubscriptionForm(toks);
  return null;
}

/**
 * REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name: CONCURRENTLY (as
 * keyword or option) commits per phase, and SCHEMA, DATABASE and SYSTEM per table. Named as
 * PostgreSQL's own error names it: it checks CONCURRENTLY first.
 */
function reindexForm(toks: Token[]): string | null {
  const [options, next] = optionList(toks, 1);
  if (isWord(toks[next + 1], 'concurrently') || flag(options, 'concurrently', false)) return 'REINDEX CONCURRENTLY';
  const kind = toks[next]?.kind === 'word' ? toks[next].text : '';
  return kind === 'schema' || kind === 'database' || kind === 'system' ? `REINDEX ${kind.toUpperCase()}` : null;
}

/**
 * CLUSTER without a table re-clusters every table, one transaction each: CLUSTER, CLUSTER
 * VERBOSE, and CLUSTER (options), which PostgreSQL 15 does not parse yet but later versions do.
 */
function clusterForm(toks: Token[]): string | null {
  const rest = isWord(toks[1], 'verbose') ? 2 : optionList(toks, 1)[1];
  return rest >= toks.length ? 'CLUSTER' : null;
}

/**
 * ALTER DATABASE d SET TABLESPACE t, or its spelling as an option (ALTER DATABASE d [WITH]
 * TABLESPACE [=] t). ALTER DATABASE d SET tablespace {TO|=|FROM CURRENT} … sets a parameter.
 */
function alterDatabaseForm(toks: Token[]): string | null {
  const at = isWord(toks[3], 'set') || isWord(toks[3], 'with') ? 4 : 3;
  if (!isWord(toks[at], 'tablespace')) return null;
  const setsParameter = isWord(toks[5], 'to') || isWord(toks[5], 'from') || isSymbol(toks[5], '=');
  if (isWord(toks[3], 'set') && setsParameter) return null;
  return 'ALTER DATABASE SET TABLESPACE';
}

/** ALTER TABLE … DETACH PARTITION p CONCURRENTLY (PostgreSQL 14+) commits between its two phases. */
function detachConcurrently(toks: Token[]): string | null {
  const detach = toks.findIndex((t, i) => isWord(t, 'detach') && isWord(toks[i + 1], 'partition'));
  return detach > 0 && isWord(toks[toks.length - 1], 'concurrently') ? 'ALTER TABLE DETACH PARTITION CONCURRENTLY' : null;
}

// Subscriptions, by PostgreSQL 15's rules (its docs and subscriptioncmds.c):
// - CREATE SUBSCRIPTION refuses a transaction block when it creates the replication slot, which
//   it does unless create_slot = false, or connect = false (which turns create_slot's default off).
// - DROP SUBSCRIPTION refuses one when the subscription has a slot, which only the catalog knows:
//   every DROP SUBSCRIPTION runs outside (harmless for one without a slot).
// - ALTER SUBSCRIPTION … REFRESH PUBLICATION always refuses one, whatever copy_data says;
//   SET, ADD and DROP PUBLICATION refuse one unless refresh = false. Other forms run anywhere.

function createSubscriptionForm(toks: Token[]): string | null {
  const options = withOptions(toks);
  return flag(options, 'create_slot', flag(options, 'connect', true)) ? 'CREATE SUBSCRIPTION' : null;
}

function alterSubscriptionForm(toks: Token[]): string | null {
  const verb = toks[3]?.kind === 'word' ? toks[3].text : '';
  if (!isWord(toks[4], 'publication')) return null;
  if (verb === 'refresh') return 'ALTER SUBSCRIPTION REFRESH PUBLICATION';
  if (verb !== 'set' && verb !== 'add' && verb !== 'drop') return null;
  return flag(withOptions(toks), 'refresh', true) ? `ALTER SUBSCRIPTION ${verb.toUpperCase()} PUBLICATION` : null;
}

/** The options of a trailing WITH (…), if any. */
function withOptions(toks: Token[]): Map<string, Token[]> {
  const at = toks.findIndex((t, i) => isWord(t, 'with') && isSymbol(toks[i + 1], '('));
  return at < 0 ? new Map() : optionList(toks, at + 1)[0];
}

/**
 * A parenthesised option list at `open` (`name [[=] value], …`), if there is one: the options by
 * name (an unquoted name lower-cased, as PostgreSQL folds it) and the index just past the list.
 */
function optionList(toks: Token[], open: number): [Map<string, Token[]>, number] {
  const options = new Map<string, Token[]>();
  if (!isSymbol(toks[open], '(')) return [options, open];
  let item: Token[] = [];
  let i = open + 1;
  for (let depth = 0; i < toks.length; i++) {
    const t = toks[i];
    if ((isSymbol(t, ')') || isSymbol(t, ',')) && depth === 0) {
      if (item.length > 0) options.set(item[0].text, item.slice(isSymbol(item[1], '=') ? 2 : 1));
      item = [];
      if (t.text === ')') return [options, i + 1];
    } else {
      depth += isSymbol(t, '(') ? 1 : isSymbol(t, ')') ? -1 : 0;
      item.push(t);
    }
  }
  return [options, i];
}

/**
 * A boolean option, read as PostgreSQL's defGetBoolean does (no value is true). A value that is
 * no boolean counts as true: PostgreSQL rejects the statement either way, and outside a
 * transaction block is where every form can run.
 */
function flag(options: Map<string, Token[]>, name: string, byDefault: boolean): boolean {
  const value = options.get(name);
  if (value === undefined) return byDefault;
  if (value.length !== 1) return true;
  const text = value[0].text.toLowerCase();
  return value[0].kind === 'number' ? text !== '0' : text !== 'false' && text !== 'off';
}

function isWord(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && t.text === word;
}

function isSymbol(t: Token | undefined, symbol: string): boolean {
  return t?.kind === 'symbol' && t.text === symbol;
}
