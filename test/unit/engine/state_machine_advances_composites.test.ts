import { describe, expect, it } from 'vitest';
import { MemoryRuntime } from './memory-runtime.js';
import * as dsl from '../../../src/graph/builders.js';
import { broke, completed, failed, BREAK_OUTSIDE_LOOP } from '../../../src/engine/outcome.js';

const rows = (...values: number[]) => `{"rows":[${values.map((v) => `{"v":${v}}`).join(',')}],"row_count":${values.length}}`;

describe('the state machine', () => {
  it('runs THEN left to right and completes the instance with the right result', () => {
    const rt = new MemoryRuntime(dsl.seq('SELECT 1', 'SELECT 2'));
    expect([...rt.leaves().keys()]).toEqual([2]);
    expect(rt.nodeStatus.get(1)).toBe('running');
    rt.settle(2, completed(rows(1)));
    expect([...rt.leaves().keys()]).toEqual([3]);
    expect(rt.nodeStatus.get(2)).toBe('completed');
    rt.settle(3, completed(rows(2)));
    expect(rt.instance).toEqual({ status: 'completed', result: rows(2), error: null });
    expect(rt.activations.size).toBe(0);
  });

  it('skips the right of a failed THEN and fails the instance with the error', () => {
    const rt = new MemoryRuntime(dsl.seq('SELECT 1/0', 'SELECT 2'));
    rt.settle(2, failed('division by zero'));
    expect(rt.instance).toMatchObject({ status: 'failed', error: 'division by zero' });
    expect(rt.nodeStatus.get(3)).toBeUndefined();
    expect(rt.activations.size).toBe(0);
  });

  it('takes the IF branch the condition’s truthiness picks', () => {
    const rt = new MemoryRuntime(dsl.ifElse('SELECT 0', 'SELECT 1', 'SELECT 2'));
    const cond = rt.nodes.find((n) => n.query === 'SELECT 0')!.id;
    rt.settle(cond, completed(rows(0)));
    const elseNode = rt.nodes.find((n) => n.query === 'SELECT 2')!.id;
    expect([...rt.leaves().keys()]).toEqual([elseNode]);
    expect(rt.activations.get([...rt.activations.keys()].find((k) => rt.activations.get(k)!.leaf)!)!.slot).toBe('else');
  });

  it('starts a failed composite with a retry policy again from its first step, after the delay', () => {
    const rt = new MemoryRuntime(dsl.retry(dsl.seq('SELECT 1', 'SELECT 2'), 2, 5, 1));
    rt.settle(2, completed(rows(1)));
    rt.settle(3, failed('boom'));
    expect([...rt.leaves().keys()]).toEqual([2]);
    const [leaf] = rt.leaves().values();
    expect(leaf.wake_at).toBe(new Date(rt.now.getTime() + 5000).toISOString());
    expect(rt.activations.get(leaf.parent_id!)!.attempt).toBe(2);
    expect(rt.instance.status).not.toBe('failed');
    rt.settle(2, completed(rows(1)));
    rt.settle(3, failed('boom again'));
    expect(rt.instance).toMatchObject({ status: 'failed', error: 'boom again' });
    expect(rt.activations.size).toBe(0);
  });

  it('keeps the failed items of a MAP that fails, with their rows and errors, beside its counts', () => {
    const rt = new MemoryRuntime(dsl.map('SELECT g', 'SELECT $item.g', 1, 1));
    rt.settle(2, completed(rows(1, 2, 3)));
    rt.settle(3, failed('first'));
    rt.settle(3, completed(rows(20)));
    rt.settle(3, failed('third'));
    expect(rt.instance).toMatchObject({ status: 'failed', error: 'MAP: 2 of 3 items failed; first (item 1): first' });
    expect(rt.nodeDetails.get(1)).toEqual({
      done: 1, failed: 2, in_flight: 0, waiting: 0,
      failed_items: [{ item: 1, row: { v: 1 }, error: 'first' }, { item: 3, row: { v: 3 }, error: 'third' }],
    });
  });

  it('joins branches in branch order whatever order they finish in', () => {
    const rt = new MemoryRuntime(dsl.join3('SELECT 1', 'SELECT 2', 'SELECT 3'));
    expect([...rt.leaves().keys()].sort()).toEqual([2, 3, 4]);
    rt.settle(4, completed(rows(3)));
    rt.settle(2, completed(rows(1)));
    expect(rt.instance.status).toBe('pending');
    rt.settle(3, completed(rows(2)));
    expect(rt.instance.result).toBe(`[${rows(1)},${rows(2)},${rows(3)}]`);
  });

  it('fails a JOIN only after every branch settled, naming the first failed branch', () => {
    const rt = new MemoryRuntime(dsl.join('SELECT 1', 'SELECT 1/0'));
    rt.settle(3, failed('boom'));
    expect(rt.instance.status).toBe('pending');
    expect(rt.leaves().has(2)).toBe(true);
    rt.settle(2, completed(rows(1)));
    expect(rt.instance).toMatchObject({ status: 'failed', error: 'JOIN branch 2 failed: boom' });
  });

  it('settles a RACE with the first branch and drops the loser', () => {
    const rt = new MemoryRuntime(dsl.race(dsl.seq('SELECT 1', 'SELECT 2'), 'SELECT 3'));
    rt.settle(5, failed('lost the race by failing first'));
    expect(rt.instance).toMatchObject({ status: 'failed', error: 'lost the race by failing first' });
    expect(rt.activations.size).toBe(0);
  });

  it('iterates a LOOP no sooner than the minimum interval and ends it on break', () => {
    const rt = new MemoryRuntime(dsl.loop(dsl.seq('SELECT 1', dsl.brk('"done"'))));
    rt.settle(3, completed(rows(1)));
    const breakNode = 4;
    rt.settle(breakNode, completed(rows(1))); // the body finished without breaking: iterate
    const first = rt.leaves().get(3)!;
    expect(Date.parse(first.wake_at!)).toBe(rt.now.getTime() + 1000);
    rt.settle(3, completed(rows(1)));
    rt.settle(breakNode, broke('"done"'));
    expect(rt.instance).toEqual({ status: 'completed', result: '"done"', error: null });
  });

  it('ends a do-while loop with the last body result when the condition is false', () => {
    const rt = new MemoryRuntime(dsl.loop('SELECT 1', 'SELECT false'));
    rt.settle(2, completed(rows(7)));
    rt.settle(3, completed('{"rows":[{"c":false}],"row_count":1}'));
    expect(rt.instance.result).toBe(rows(7));
  });

  it('fails the instance when a break escapes every loop', () => {
    const rt = new MemoryRuntime(dsl.seq('SELECT 1', dsl.brk(null)));
    rt.settle(2, completed(rows(1)));
    rt.settle(3, broke('null'));
    expect(rt.instance).toMatchObject({ status: 'failed', error: BREAK_OUTSIDE_LOOP });
  });

  it('lets a break in a JOIN branch leave the enclosing loop at once', () => {
    const rt = new MemoryRuntime(dsl.loop(dsl.join(dsl.brk('1'), 'SELECT pg_sleep(10)')));
    rt.settle(3, broke('1'));
    expect(rt.instance).toEqual({ status: 'completed', result: '1', error: null });
    expect(rt.activations.size).toBe(0);
  });

  it('drops what a JOIN left by a break still runs, however deep', () => {
    // loop( join( break, race(sleep, then(sleep, sql)) ) ): the break leaves the JOIN while the
    // RACE below it still has two live branches, one of them a THEN with a live leaf.
    const rt = new MemoryRuntime(
      dsl.seq(dsl.loop(dsl.join(dsl.brk('7'), dsl.race(dsl.sleep(60), dsl.seq(dsl.sleep(30), 'SELECT 1')))), 'SELECT 2'),
    );
    expect(rt.leaves().size).toBe(3);
    rt.settle(4, broke('7'));
    expect([...rt.leaves().keys()]).toEqual([10]);
    rt.settle(10, completed(rows(2)));
    expect(rt.instance).toEqual({ status: 'completed', result: rows(2), error: null });
    expect(rt.activations.size).toBe(0);
  });

  it('records named results and lets df.if_rows see one named in the same step', () => {
    const rt = new MemoryRuntime(dsl.seq(dsl.as('SELECT 1', 'batch'), dsl.ifRows('batch', 'SELECT 2', 'SELECT 3')));
    rt.settle(2, completed(rows()));
    expect(rt.results.get('batch')).toBe('{"rows":[],"row_count":0}');
    const elseNode = rt.nodes.find((n) => n.query === 'SELECT 3')!.id;
    expect([...rt.leaves().keys()]).toEqual([elseNode]);
  });

  it('gives a signal wait the signal that was kept for it', () => {
    const rt0 = new MemoryRuntime(dsl.waitForSignal('go', null));
    expect(rt0.leaves().get(1)!.wake_at).toBe('infinity');
    const rt = new MemoryRuntime(dsl.seq('SELECT 1', dsl.waitForSignal('go', 5)));
    rt.buffered.push({ name: 'go', data: '{"x":1}' });
    rt.settle(2, completed(rows(1)));
    const wait = rt.leaves().get(3)!;
    expect(JSON.parse(wait.memo)).toEqual({ signal: '{"x":1}' });
    expect(rt.buffered).toEqual([]);
  });
});
