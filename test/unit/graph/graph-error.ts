// The graph tests' way to look at a refusal: the call must throw a GraphError, and its message
// is what the test compares.
import { expect } from 'vitest';
import { GraphError } from '../../../src/graph/envelope.js';

/** The message of the GraphError that run throws (it fails the test when run throws none). */
export function graphErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(GraphError);
    return (e as Error).message;
  }
  throw new Error('expected a GraphError');
}
