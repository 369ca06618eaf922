// The part of plv8's global API the bundle uses (see ../shared/spec/plv8-subset.md).
declare namespace plv8 {
  interface Plan {
    execute(args?: unknown[]): Record<string, unknown>[] | number;
    free(): void;
  }
  function execute(sql: string, args?: unknown[]): Record<string, unknown>[] | number;
  function prepare(sql: string, types?: string[]): Plan;
  function commit(): void;
  function rollback(): void;
  function elog(level: number, ...parts: unknown[]): void;
}
declare const NOTICE: number;
declare const PG_DURABLE_VERSION: string;
