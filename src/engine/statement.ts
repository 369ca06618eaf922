// Just enough structure of one SQL statement to decide how to run it as a step: whether it
// returns rows, and for a WITH statement where its CTE list ends. Works on the lexer's code
// segments, so words inside literals, identifiers and comments never count.
import { type StringSettings, lexSql } from '../template/lexer.js';

interface Token {
  text: string; // lower-cased word, or one of ( ) ,
  at: number;
  depth: number; // parenthesis depth before the token
}

function tokens(sql: string, strings: StringSettings): Token[] {
  const out: Token[] = [];
  let depth = 0;
  for (const seg of lexSql(sql, strings)) {
    if (seg.kind !== 'code') continue;
    for (const m of seg.text.matchAll(/[A-Za-z_][A-Za-z0-9_$]*|[(),]/g)) {
      const text = m[0].toLowerCase();
      if (text === ')') depth -= 1;
      out.push({ text, at: seg.start + m.index!, depth });
      if (text === '(') depth += 1;
    }
  }
  return out;
}

export type StatementPlan =
  /** Returns rows and can be a subquery: SELECT, VALUES, TABLE. */
  | { kind: 'query' }
  /** INSERT/UPDATE/DELETE … RETURNING: rows, through a CTE. */
  | { kind: 'returning' }
  /** WITH …: `ctes` is the text up to the end of the CTE list, `main` the statement after it. */
  | { kind: 'with'; ctes: string; main: string; mainReturnsRows: boolean }
  /** Anything else, including SELECT … INTO: run as is, report the affected rows. */
  | { kind: 'command' };

const ROW_STARTERS = new Set(['select', 'values', 'table']);
const DML = new Set(['insert', 'update', 'delete', 'merge']);

/** `strings`: the settings of the session that will run `sql`. */
export function planStatement(sql: string, strings: StringSettings): StatementPlan {
  const toks = tokens(sql, strings);
  const first = toks.find((t) => t.text !== '(');
  if (!first) return { kind: 'command' };
  if (first.text === 'with') return planWith(sql, toks) ?? { kind: 'command' };
  return { kind: kindOf(toks.filter((t) => t.depth === first.depth)) };
}

/** The kind of a statement given its tokens at its own top level. */
function kindOf(top: Token[]): 'query' | 'returning' | 'command' {
  const head = top.find((t) => t.text !== '(')?.text ?? '';
  const has = (word: string) => top.some((t) => t.text === word);
  if (ROW_STARTERS.has(head)) return head === 'select' && has('into') ? 'command' : 'query';
  if (DML.has(head) && has('returning')) return 'returning';
  return 'command';
}

/** Finds where the CTE list of a WITH statement ends; null when the shape is not the usual one. */
function planWith(sql: string, toks: Token[]): StatementPlan | null {
  let i = toks.findIndex((t) => t.text === 'with') + 1;
  if (toks[i]?.text === 'recursive') i += 1;
  for (;;) {
    i += 1; // the CTE name
    if (toks[i]?.text === '(') i = closing(toks, i) + 1; // column list
    if (toks[i]?.text !== 'as') return null;
    i += 1;
    if (toks[i]?.text === 'not') i += 1;
    if (toks[i]?.text === 'materialized') i += 1;
    if (toks[i]?.text !== '(') return null;
    i = closing(toks, i) + 1;
    if (toks[i]?.text !== ',') break;
    i += 1;
  }
  const main = toks[i];
  if (!main || main.text === 'search' || main.text === 'cycle') return null;
  const kind = kindOf(toks.slice(i).filter((t) => t.depth === main.depth));
  return { kind: 'with', ctes: sql.slice(0, main.at).trimEnd(), main: sql.slice(main.at), mainReturnsRows: kind !== 'command' };
}

function closing(toks: Token[], open: number): number {
  const depth = toks[open].depth;
  for (let j = open + 1; j < toks.length; j++) if (toks[j].text === ')' && toks[j].depth === depth) return j;
  return toks.length;
}
