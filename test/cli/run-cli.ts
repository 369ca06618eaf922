// Runs dist/cli.js (built by `npm run build`) as a child process, without blocking this
// process: the tests' worker sessions live here and must keep running meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const cliPath = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  done: Promise<CliResult>;
}

/** Environment without NO_COLOR (the tests say when they want it) and without a DATABASE_URL. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
  if (!('DATABASE_URL' in extra)) delete env.DATABASE_URL;
  return env;
}

export function startCli(args: string[], env: Record<string, string> = {}, command: string[] = [process.execPath, cliPath]): RunningCli {
  const child = spawn(command[0], [...command.slice(1), ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, stdout: () => stdout, done };
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/** Starts the CLI on a pseudo-terminal of `rows` × `cols` (util-linux `script`), so it sees a TTY. */
export function startCliOnTerminal(args: string[], env: Record<string, string> = {}, rows = 40, cols = 120): RunningCli {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return startCli([], env, ['script', '-qfec', `stty rows ${rows} cols ${cols}; exec ${quoted}`, '/dev/null']);
}

export function runCliOnTerminal(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return startCliOnTerminal(args, env).done;
}

/** Parses `--json` output, failing the test with the output itself when it is not JSON. */
export function json<T = Record<string, unknown>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
