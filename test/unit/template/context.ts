// Builds a TemplateContext whose results are given as the JSON text the engine stores.
import { parseLossless } from '../../../src/json/lossless.js';
import type { TemplateContext } from '../../../src/template/substitute.js';

export function context(results: Record<string, string> = {}, vars: Record<string, string> = {}): TemplateContext {
  const parsed = Object.fromEntries(Object.entries(results).map(([name, text]) => [name, parseLossless(text)]));
  return { vars, instanceId: '6f1c2b7e-0000-4000-8000-000000000001', label: 'nightly', results: parsed };
}

/** The JSON text of a SQL step's result with these rows. */
export function rowSet(...rows: string[]): string {
  return `{"rows":[${rows.join(',')}],"row_count":${rows.length}}`;
}
