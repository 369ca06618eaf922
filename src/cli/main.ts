// pg-durable: install the extension, run workers, watch and explain instances, run the demo
// and the benchmark. Every command answers --help and refuses options it does not know
// before it does anything else.
import { parseArgs } from 'node:util';
import { install } from './install.js';
import { runWorkers } from './worker.js';
import { status } from './status.js';
import { list } from './list.js';
import { checkExplainFormat, explain, EXPLAIN_FORMATS } from './explain.js';
import { watch } from './watch.js';
import { health } from './health.js';
import { demo } from './demo.js';
import { bench } from '../bench/main.js';

declare const PG_DURABLE_VERSION: string;

const DEFAULT_URL = `postgresql://postgres@127.0.0.1:${process.env.PG_DURABLE_PORT ?? '54329'}/postgres`;

type Values = Record<string, string | boolean | undefined>;
interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

interface Command {
  /** Arguments after the command name, as the usage line shows them. */
  args: string;
  summary: string;
  /** Option and exit-code lines of `pg-durable <command> --help`. */
  details: string[];
  options: Record<string, OptionSpec>;
  /** Positional arguments: at least, at most. */
  positionals: [number, number];
  run(url: string, values: Values, args: string[]): Promise<number | void>;
}

const JSON_OPTION: Record<string, OptionSpec> = { json: { type: 'boolean' } };

const COMMANDS: Record<string, Command> = {
  install: {
    args: '',
    summary: 'create the extension in the database (CREATE EXTENSION, or run the script where files cannot be installed)',
    details: [],
    options: {},
    positionals: [0, 0],
    run: (url) => install(url),
  },
  worker: {
    args: '[--workers N] [--http-concurrency M] [--no-statements]',
    summary: 'run workflow steps, HTTP steps included, until SIGINT/SIGTERM; connect as the role that owns the workflows',
    details: [
      '--workers N       worker sessions (default 2)',
      '--http-concurrency M',
      '                  HTTP requests performed at once, under the egress policy (default 16; 0: run no HTTP steps)',
      '--no-statements   do not run statements that cannot run in a transaction block (VACUUM, CREATE INDEX',
      '                  CONCURRENTLY, …); by default one extra session runs them, one at a time',
    ],
    options: { workers: { type: 'string' }, 'http-concurrency': { type: 'string' }, 'no-statements': { type: 'boolean' } },
    positionals: [0, 0],
    run: (url, v) => runWorkers(url, str(v.workers) ?? '2', str(v['http-concurrency']) ?? '16', v['no-statements'] !== true),
  },
  status: {
    args: '[ID] [--json] [--limit N]',
    summary: "an instance's status and progress; without ID, the role's instances by status and the unfinished ones",
    details: [
      'ID                an instance id (8 hex digits)',
      '--limit N         without ID: how many unfinished instances to show (default 10)',
      '--json            one JSON object (with ID: status, steps, current steps, elapsed_ms, result, error, nodes)',
    ],
    options: { ...JSON_OPTION, limit: { type: 'string' } },
    positionals: [0, 1],
    run: (url, v, [id]) => status(url, id, { json: v.json === true, limit: positiveInt('--limit', str(v.limit) ?? '10') }),
  },
  list: {
    args: '[--status S] [--label L] [--limit N] [--after CURSOR] [--json]',
    summary: 'recent instances, newest first (df.list_instances)',
    details: [
      '--status S        only instances in status S: pending, running, completed, failed or cancelled',
      '--label L         only instances started with label L',
      '--limit N         at most N instances (default 20)',
      '--after CURSOR    the next page: the cursor the previous page ended with',
      '--json            {"instances": [...], "next_cursor": ...}',
    ],
    options: { ...JSON_OPTION, status: { type: 'string' }, label: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' } },
    positionals: [0, 0],
    run: (url, v) => list(url, {
      json: v.json === true, status: str(v.status), label: str(v.label), after: str(v.after),
      limit: positiveInt('--limit', str(v.limit) ?? '20'),
    }),
  },
  explain: {
    args: 'ID|DSL [--format F] [--output FILE] [--json]',
    summary: 'the tree of an instance (with statuses), or of DSL text, an envelope or a statement (dry run)',
    details: [
      `--format F        ${EXPLAIN_FORMATS.join(', ')} (default text): df.explain's text, with whole statements,`,
      "                  its Mermaid chart, or a self-contained SVG or HTML page of it",
      '--output FILE     write to FILE instead of standard output',
      '--json            the graph: {"input", "instance", "nodes": [{id, type, label, status}], "edges": [{from, to, role}]}',
    ],
    options: { ...JSON_OPTION, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    positionals: [1, 1],
    run: (url, v, [input]) => {
      if (v.json === true && v.format !== undefined) throw new Error('--json and --format exclude each other');
      return explain(url, input, { json: v.json === true, format: checkExplainFormat(str(v.format) ?? 'text'), output: str(v.output) });
    },
  },
  watch: {
    args: 'ID [--interval SECONDS] [--html FILE] [--json]',
    summary: 'follow an instance until it ends: a live view on a terminal, one line per change otherwise',
    details: [
      '--interval S      seconds between reads (default 0.5)',
      '--html FILE       keep FILE a self-contained HTML page of the instance, reloading itself until the end',
      '--json            one JSON object per change (as status ID --json), the last one terminal',
      'exit code         0 completed, 3 failed, 4 cancelled, 1 error',
    ],
    options: { ...JSON_OPTION, interval: { type: 'string' }, html: { type: 'string' } },
    positionals: [1, 1],
    run: (url, v, [id]) => watch(url, id, {
      json: v.json === true, html: str(v.html), intervalMs: seconds('--interval', str(v.interval) ?? '0.5') * 1000,
    }),
  },
  health: {
    args: '[--json]',
    summary: 'the health checks of df.health(), one line each; the exit code says the worst level',
    details: [
      '--json            the checks as a JSON array',
      'exit code         0 all ok, 1 a warning, 2 a critical check',
    ],
    options: { ...JSON_OPTION },
    positionals: [0, 0],
    run: (url, v) => health(url, { json: v.json === true }),
  },
  demo: {
    args: '',
    summary: 'set up a demo database and role on the private cluster and run the demo workflows',
    details: [],
    options: {},
    positionals: [0, 0],
    run: (url) => demo(url),
  },
  bench: {
    args: '[--steps N] [--release VERSION]',
    summary: 'benchmark on the private cluster',
    details: [
      '--steps N         steps of the memory run (default 100000)',
      '--release VERSION benchmark an installed earlier version (e.g. 0.1.0) instead of the current one, to compare',
    ],
    options: { steps: { type: 'string' }, release: { type: 'string' } },
    positionals: [0, 0],
    run: (url, v) => bench(url, { memorySteps: Number(str(v.steps) ?? 100_000), release: str(v.release) ?? null }),
  },
};

const COMMON: Record<string, OptionSpec> = { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } };

const USAGE = [
  `pg-durable ${PG_DURABLE_VERSION}`,
  'usage: pg-durable <command> [--url URL] [options]',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`),
  `URL defaults to $DATABASE_URL, else the private cluster (${DEFAULT_URL}).`,
  'Colours only on a terminal, never with NO_COLOR set. pg-durable <command> --help tells more.',
].join('\n');

function commandUsage(name: string, c: Command): string {
  return [
    `usage: pg-durable ${name} ${c.args}${c.args ? ' ' : ''}[--url URL]`,
    `  ${c.summary}`,
    ...c.details.map((d) => `  ${d}`),
    `  --url URL         the database, as the role whose instances to see (default $DATABASE_URL, else ${DEFAULT_URL})`,
    '',
    'usage: pg-durable <command> [--url URL] [options]   (pg-durable --help lists the commands)',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  // First the command, reading every command's options (an option no command has is refused here)…
  const all: Record<string, OptionSpec> = { ...COMMON };
  for (const c of Object.values(COMMANDS)) Object.assign(all, c.options);
  const first = parseArgs({ args: argv, allowPositionals: true, options: all });
  const [name, ...args] = first.positionals;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (first.values.help) {
    // whatever the command: --help never does anything else
    console.log(command === undefined || name === undefined ? USAGE : commandUsage(name, command));
    return 0;
  }
  if (command === undefined || name === undefined) {
    console.log(USAGE);
    return name === undefined ? 0 : 2;
  }
  // …then only the command's own (and the common) options.
  const foreign = Object.keys(first.values).find((k) => !(k in COMMON) && !(k in command.options));
  if (foreign !== undefined) throw new Error(`Unknown option '--${foreign}' for pg-durable ${name}; see pg-durable ${name} --help`);
  const [min, max] = command.positionals;
  if (args.length < min || args.length > max) {
    throw new Error(`${args.length < min ? 'missing' : 'unexpected'} argument(s); usage: pg-durable ${name} ${command.args}`);
  }
  const url = str(first.values.url) ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  return (await command.run(url, first.values, args)) ?? 0;
}

function str(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function positiveInt(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be a positive whole number, got '${text}'`);
  return n;
}

function seconds(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0.05 || n > 3600) throw new Error(`${option} must be between 0.05 and 3600 seconds, got '${text}'`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`pg-durable: ${e.message}`);
    process.exitCode = 1;
  },
);
