// pg-durable: install the extension, run workers, inspect instances, run the demo and the benchmark.
import { parseArgs } from 'node:util';
import { install } from './install.js';
import { runWorkers } from './worker.js';
import { showStatus } from './status.js';
import { demo } from './demo.js';
import { bench } from '../bench/main.js';

const DEFAULT_URL = `postgresql://postgres@127.0.0.1:${process.env.PG_DURABLE_PORT ?? '54329'}/postgres`;

const USAGE = `pg-durable ${PG_DURABLE_VERSION}
usage: pg-durable <command> [--url URL] [options]
  install             create the extension in the database (CREATE EXTENSION, or run the script where files cannot be installed)
  worker              run workflow steps: --workers N (default 2); connect as the role that owns the workflows
  status ID           print an instance's status, result or error
  demo                set up a demo database and role on the private cluster and run the demo workflows
  bench               benchmark on the private cluster (--steps N for the memory run, default 100000)
URL defaults to $DATABASE_URL, else the private cluster (${DEFAULT_URL}).`;

declare const PG_DURABLE_VERSION: string;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { url: { type: 'string' }, workers: { type: 'string' }, steps: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE); // whatever the command: --help never does anything else
    return;
  }
  const url = values.url ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  switch (command) {
    case 'install':
      return install(url);
    case 'worker':
      return runWorkers(url, values.workers ?? '2');
    case 'status':
      if (!rest[0]) throw new Error('usage: pg-durable status ID');
      return showStatus(url, rest[0]);
    case 'demo':
      return demo(url);
    case 'bench':
      return bench(url, { memorySteps: Number(values.steps ?? 100_000) });
    default:
      console.log(USAGE);
      if (command !== undefined) process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`pg-durable: ${e.message}`);
  process.exitCode = 1;
});
