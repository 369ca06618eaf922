// The part of plv8's global API the bundle uses (../shared/spec/plv8-subset.md).
declare namespace plv8 {
  interface Plan {
    execute(args?: unknown[]): Record<string, unknown>[] | number;
    free(): void;
  }
  function execute(sql: string, args?: unknown[]): Record<string, unknown>[] | number;
  function prepare(sql: string, types?: string[]): Plan;
  function subtransaction<T>(fn: () => T): T;
  function commit(): void;
  function rollback(): void;
  function elog(level: number, ...parts: unknown[]): void;
  function quote_literal(s: string): string;
  function quote_ident(s: string): string;
  function quote_nullable(s: string | null): string;
  const version: string;
}
declare const NOTICE: number;
declare const WARNING: number;
declare const PG_DURABLE_VERSION: string;
