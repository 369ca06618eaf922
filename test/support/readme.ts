// The README's SQL blocks tagged ```sql <tag>, for the tests that run them as written.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

/** The text of the one block tagged `tag`, without its closing newline. */
export function readmeBlock(tag: string): string {
  const found = [...readme.matchAll(/```sql ([^\n]+)\n([\s\S]*?)\n```/g)].filter((m) => m[1] === tag);
  if (found.length !== 1) throw new Error(`README.md has ${found.length} blocks tagged ${tag}, not one`);
  return found[0][2];
}

/** A block's `-- result:` line. */
export function expectedResult(block: string): string {
  const result = /^-- result: (.*)$/m.exec(block)?.[1];
  if (result === undefined) throw new Error(`no '-- result:' line in\n${block}`);
  return result;
}
