// $name substitution is injection-safe as PostgreSQL parses the step under the worker session's
// actual settings (spec section 6). With standard_conforming_strings off, 'C:\' does not end
// where it would with it on, so a template written for "on" leaves its $name inside a string
// literal: the value must stay there, not close that literal and append a second statement.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from '../../support/engine.js';
import { runWorkflow } from '../../support/workflow.js';

// Read as code, this closes the VALUES list, ends the INSERT and creates a table.
const PAYLOAD = ');CREATE TABLE injected (x int);--';
// A backslash in the template's own literal: with the setting off, \' escapes the quote.
const TEMPLATE = `INSERT INTO log VALUES ('C:\\', $p)`;

let fx: EngineFixture;
beforeAll(async () => {
  fx = await engineFixture('s_strings');
  await fx.user.query('CREATE TABLE payload (v text)');
  await fx.user.query('INSERT INTO payload VALUES ($1)', [PAYLOAD]);
  await fx.user.query('CREATE TABLE log (a text, b text)');
  await fx.startWorkers(1);
});
afterAll(async () => fx?.close());
beforeEach(async () => {
  await fx.user.query('TRUNCATE log');
});

async function expectNothingInjected(): Promise<void> {
  expect(await fx.value(`SELECT to_regclass('injected') IS NULL`)).toBe(true);
  expect(await fx.value('SELECT count(*)::int FROM log')).toBe(0);
}

/** The template fails as PostgreSQL parses it (an unterminated literal) and nothing else runs. */
async function expectRefused(expression: string): Promise<void> {
  const done = await runWorkflow(fx, expression, [TEMPLATE]);
  expect(done.status).toBe('failed');
  expect(done.error).toMatch(/unterminated quoted string/);
  await expectNothingInjected();
}

describe('with standard_conforming_strings turned off by an earlier step', () => {
  afterAll(async () => {
    // The SET stays in the worker's session: start fresh workers for the other tests.
    await fx.stopWorkers();
    await fx.startWorkers(1);
  });

  it('a value cannot end the literal it sits in and append a statement', async () => {
    await expectRefused(`('SELECT v FROM payload' |=> 'p') ~> 'SET standard_conforming_strings = off' ~> df.sql($1)`);
  });
});

describe('with standard_conforming_strings off for the role', () => {
  beforeAll(async () => {
    const admin = await fx.scratch.admin();
    await admin.query(`ALTER ROLE "${fx.role}" IN DATABASE "${fx.scratch.name}" SET standard_conforming_strings = off`);
    await admin.query(`ALTER ROLE "${fx.role}" IN DATABASE "${fx.scratch.name}" SET escape_string_warning = off`);
    await fx.stopWorkers();
    await fx.startWorkers(1);
  });

  it('a value cannot end the literal it sits in and append a statement', async () => {
    await expectRefused(`('SELECT v FROM payload' |=> 'p') ~> df.sql($1)`);
  });

  it('a template written for the setting gets the value as one literal, read back exactly', async () => {
    const done = await runWorkflow(
      fx,
      `('SELECT v FROM payload' |=> 'p') ~> df.sql($1)`,
      [`INSERT INTO log VALUES ('C:\\\\dir\\'s', $p) RETURNING a, b`],
    );
    expect(done.error).toBeNull();
    expect(done.result).toEqual({ rows: [{ a: "C:\\dir's", b: PAYLOAD }], row_count: 1 });
    expect(await fx.value(`SELECT to_regclass('injected') IS NULL`)).toBe(true);
  });
});
