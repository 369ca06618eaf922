import { describe, expect, it } from 'vitest';
import {
  as, brk, completeIf, ifElse, ifRows, join, join3, loop, partialIf, race, retry, seq, sleep, sql, waitForSchedule,
  waitForSignal,
} from '../../../src/graph/builders.js';
import { envelopeFromDsl } from '../../../src/graph/dsl/index.js';

const read = (text: string): string => envelopeFromDsl(text, { standardConformingStrings: true });

describe('each workflow operator builds what its SQL function builds', () => {
  it.each([
    ["'A' ~> 'B'", seq('A', 'B')],
    ["'A' |=> 'n'", as('A', 'n')],
    ["'A' & 'B'", join('A', 'B')],
    ["'A' | 'B'", race('A', 'B')],
    ["'C' ?> 'T'", partialIf('C', 'T')],
    ["'C' ?> 'T' !> 'E'", completeIf(partialIf('C', 'T'), 'E')],
    ["@> 'A'", loop('A')],
  ])('%s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it('reads operators written without spaces', () => {
    expect(read("'A'~>'B'|=>'n'&'C'|'D'")).toBe(race(join(as(seq('A', 'B'), 'n'), 'C'), 'D'));
  });
});

describe('each df.* builder builds what SQL builds', () => {
  it.each([
    ["df.sql('SELECT 1')", sql('SELECT 1')],
    ["df.seq('A', 'B')", seq('A', 'B')],
    ["df.as('A', 'n')", as('A', 'n')],
    ['df."as"(\'A\', \'n\')', as('A', 'n')],
    ["df.join('A', 'B')", join('A', 'B')],
    ['df."join"(\'A\', \'B\')', join('A', 'B')],
    ["df.join3('A', 'B', 'C')", join3('A', 'B', 'C')],
    ["df.race('A', 'B')", race('A', 'B')],
    ["df.if('C', 'T', 'E')", ifElse('C', 'T', 'E')],
    ['df."if"(\'C\', \'T\', \'E\')', ifElse('C', 'T', 'E')],
    ["df.if_rows('r', 'T', 'E')", ifRows('r', 'T', 'E')],
    ["df.loop('B')", loop('B')],
    ["df.loop('B', 'C')", loop('B', 'C')],
    ['df.break()', brk()],
    ["df.break('$i')", brk('$i')],
    ['df."break"(\'42\')', brk('42')],
    ['df.sleep(5)', sleep(5)],
    ["df.wait_for_schedule('*/5 * * * *')", waitForSchedule('*/5 * * * *')],
    ["df.wait_for_signal('go')", waitForSignal('go')],
    ["df.wait_for_signal('go', 30)", waitForSignal('go', 30)],
    ["df.retry('A', 3)", retry('A', 3)],
    ["df.retry('A', 3, 0.5, 1.5, 10)", retry('A', 3, 0.5, 1.5, 10)],
  ])('%s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });

  it('folds function names to lower case and lets a comment or space sit anywhere between tokens', () => {
    expect(read('DF.SLEEP(5)')).toBe(sleep(5));
    expect(read('df /* a */ . /* b */ sleep ( 5 ) -- c')).toBe(sleep(5));
    expect(read('"df"."sleep"(5)')).toBe(sleep(5));
  });

  it('nests builders and operators in one expression', () => {
    const text = `('SELECT 0 AS i' |=> 'i')
      ~> df.loop(
           ('SELECT $i + 1 AS i' |=> 'i')
           ~> df.if('SELECT $i >= 3', df.break('$i'), 'SELECT 0'))`;
    expect(read(text)).toBe(
      seq(as('SELECT 0 AS i', 'i'), loop(seq(as('SELECT $i + 1 AS i', 'i'), ifElse('SELECT $i >= 3', brk('$i'), 'SELECT 0')))),
    );
  });

  it('passes envelopes between builders unchanged, as SQL does', () => {
    expect(read("df.retry(df.join3('a' |=> 'x', df.race('b', df.sleep(1)), df.if_rows('x', 'y', 'z')), 2) ~> df.break()")).toBe(
      seq(retry(join3(as('a', 'x'), race('b', sleep(1)), ifRows('x', 'y', 'z')), 2), brk()),
    );
  });

  it('returns a bare literal as its text, as SELECT (...)::text does', () => {
    expect(read("'SELECT 1'")).toBe('SELECT 1');
    expect(read('((( $$SELECT 1$$ )))')).toBe('SELECT 1');
  });
});
