// The README's SQL blocks tagged ```sql <tag>, for the tests that run them as written.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The text of every block tagged `tag`, in README order, without its closing newline. */
export function readmeBlocks(tag: string): string[] {
  return [...readme.matchAll(/```sql ([^\n]+)\n([\s\S]*?)\n```/g)].filter((m) => m[1] === tag).map((m) => m[2]);
}

/** The text of the one block tagged `tag`. */
export function readmeBlock(tag: string): string {
  const found = readmeBlocks(tag);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks tagged ${tag}, not one`);
  return found[0];
}

/** A block's first statement and its `-- result:` line, if it has one. */
export function example(block: string): { sql: string; result: string | undefined } {
  return { sql: block.slice(0, block.indexOf(';') + 1), result: /^-- result: (.*)$/m.exec(block)?.[1] };
}

/** A block's `-- result:` line. */
export function expectedResult(block: string): string {
  const { result } = example(block);
  if (result === undefined) throw new Error(`no '-- result:' line in\n${block}`);
  return result;
}
