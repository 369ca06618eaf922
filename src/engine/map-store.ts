// The statements of MAP items (map.ts), written as store.ts's are: schema-qualified, every
// operator OPERATOR(pg_catalog.…), every key with its owner. JSON travels as text, so items
// and results stay exact; the row sets are split and gathered in SQL, never parsed whole here.
import { type Db, stmt } from './db.js';
import type { ItemScope } from './map.js';

const T = 'pg_catalog.text';
const ROLE = '$1::pg_catalog.regrole';

const rowSetLengthStmt = stmt(
  `SELECT CASE WHEN pg_catalog.json_typeof(v.j) OPERATOR(pg_catalog.=) 'object'
                AND pg_catalog.json_typeof(v.j OPERATOR(pg_catalog.->) 'rows') OPERATOR(pg_catalog.=) 'array'
               THEN pg_catalog.json_array_length(v.j OPERATOR(pg_catalog.->) 'rows') END AS n
   FROM (SELECT $1::pg_catalog.json AS j) v`,
  T,
);
/** How many rows a result holds; null when it is not a row set. */
export function rowSetLength(db: Db, result: string): number | null {
  return db.query(rowSetLengthStmt, [result])[0].n as number | null;
}

// The MAP's result, in item order: every stored item outcome and the one settling now. Each
// item finds its outcome by key (a lateral lookup), so gathering stays linear in the items
// whatever plan the statistics suggest: a join of the two sets planned for few rows ran a
// nested loop over every pair, 19 s at 10,000 items.
const mapResultStmt = stmt(
  `SELECT '{"rows":[' OPERATOR(pg_catalog.||) coalesce(pg_catalog.string_agg(
            '{"item":' OPERATOR(pg_catalog.||) m.value::${T} OPERATOR(pg_catalog.||) ',"status":'
            OPERATOR(pg_catalog.||) pg_catalog.to_json(r.status)::${T} OPERATOR(pg_catalog.||) ',"result":'
            OPERATOR(pg_catalog.||) r.result OPERATOR(pg_catalog.||) '}', ',' ORDER BY m.item), '')
          OPERATOR(pg_catalog.||) '],"row_count":' OPERATOR(pg_catalog.||) pg_catalog.count(*)::${T} OPERATOR(pg_catalog.||) '}' AS value
   FROM df.map_items m
   CROSS JOIN LATERAL (
     SELECT x.status, x.result::${T} AS result FROM df.map_results x
     WHERE x.activation_id OPERATOR(pg_catalog.=) m.activation_id AND x.item OPERATOR(pg_catalog.=) m.item
       AND x.owner OPERATOR(pg_catalog.=) m.owner
     UNION ALL
     SELECT $4::${T}, $5::${T} WHERE m.item OPERATOR(pg_catalog.=) $3::pg_catalog.int4) r
   WHERE m.owner OPERATOR(pg_catalog.=) ${ROLE} AND m.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8`,
  T,
  T,
  'pg_catalog.int4',
  T,
  T,
);
export interface ItemOutcome {
  item: number;
  status: string;
  /** JSON text: the body's result, or its error as a string. */
  result: string;
}
export function mapResult(db: Db, owner: string, mapActivationId: string, last: ItemOutcome): string {
  return db.query(mapResultStmt, [owner, mapActivationId, last.item, last.status, last.result])[0].value as string;
}

// The items of a MAP that failed, each with its row and error, the one settling now included:
// kept with the MAP's counts, as its outcomes go with it. Few: once more than max_failures have
// failed no item starts, so at most max_failures + concurrency.
const failedItemsStmt = stmt(
  `SELECT '[' OPERATOR(pg_catalog.||) coalesce(pg_catalog.string_agg(
            '{"item":' OPERATOR(pg_catalog.||) r.item::${T} OPERATOR(pg_catalog.||) ',"row":' OPERATOR(pg_catalog.||) m.value::${T}
            OPERATOR(pg_catalog.||) ',"error":' OPERATOR(pg_catalog.||) r.result OPERATOR(pg_catalog.||) '}', ',' ORDER BY r.item), '')
          OPERATOR(pg_catalog.||) ']' AS value
   FROM (SELECT x.item, x.result::${T} AS result FROM df.map_results x
         WHERE x.owner OPERATOR(pg_catalog.=) ${ROLE} AND x.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
           AND x.status OPERATOR(pg_catalog.=) 'failed'
         UNION ALL
         SELECT $3::pg_catalog.int4, $4::${T} WHERE $5::pg_catalog.bool) r
   CROSS JOIN LATERAL (
     SELECT i.value FROM df.map_items i
     WHERE i.owner OPERATOR(pg_catalog.=) ${ROLE} AND i.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
       AND i.item OPERATOR(pg_catalog.=) r.item) m`,
  T,
  T,
  'pg_catalog.int4',
  T,
  'pg_catalog.bool',
);
/** JSON text: `[{"item", "row", "error"}…]` in item order. */
export function failedItems(db: Db, owner: string, mapActivationId: string, last: ItemOutcome): string {
  const lastFailed = last.status === 'failed';
  return db.query(failedItemsStmt, [owner, mapActivationId, last.item, last.result, lastFailed])[0].value as string;
}

const ITEM_VALUE = `'{"rows":[' OPERATOR(pg_catalog.||) m.value::${T} OPERATOR(pg_catalog.||) '],"row_count":1}'`;

// What the items of a scope bind, outermost first: each item's `item`, then the names bound
// inside it (which may rebind `item`).
const scopeResultsStmt = stmt(
  `SELECT s.ord, 0 AS k, 'item' AS name, ${ITEM_VALUE} AS value
   FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.int8[]), pg_catalog.unnest($3::pg_catalog.int4[]))
        WITH ORDINALITY AS s(map_id, item, ord)
   JOIN df.map_items m ON m.owner OPERATOR(pg_catalog.=) ${ROLE} AND m.activation_id OPERATOR(pg_catalog.=) s.map_id
                      AND m.item OPERATOR(pg_catalog.=) s.item
   UNION ALL
   SELECT s.ord, 1, r.name, r.value::${T}
   FROM pg_catalog.unnest($4::pg_catalog.int8[]) WITH ORDINALITY AS s(id, ord)
   JOIN df.item_results r ON r.owner OPERATOR(pg_catalog.=) ${ROLE} AND r.activation_id OPERATOR(pg_catalog.=) s.id
   ORDER BY 1, 2`,
  T,
  T,
  T,
  T,
);
export function loadScopeResults(db: Db, owner: string, scope: readonly ItemScope[]): { name: string; value: string }[] {
  const ids = (i: 0 | 1 | 2) => `{${scope.map((s) => s[i]).join(',')}}`;
  return db.query(scopeResultsStmt, [owner, ids(1), ids(2), ids(0)]) as unknown as { name: string; value: string }[];
}

const itemResultStmt = stmt(
  `SELECT 0 AS k, r.value::${T} AS value FROM df.item_results r
   WHERE r.owner OPERATOR(pg_catalog.=) ${ROLE} AND r.activation_id OPERATOR(pg_catalog.=) $2::pg_catalog.int8
     AND r.name OPERATOR(pg_catalog.=) $3::${T}
   UNION ALL
   SELECT 1, ${ITEM_VALUE} FROM df.map_items m
   WHERE $3::${T} OPERATOR(pg_catalog.=) 'item' AND m.owner OPERATOR(pg_catalog.=) ${ROLE}
     AND m.activation_id OPERATOR(pg_catalog.=) $4::pg_catalog.int8 AND m.item OPERATOR(pg_catalog.=) $5::pg_catalog.int4
   ORDER BY 1 LIMIT 1`,
  T,
  T,
  T,
  T,
  'pg_catalog.int4',
);
/** A name as one item binds it (its `item` unless the body rebound that name). */
export function loadItemResult(db: Db, owner: string, item: ItemScope, name: string): string | undefined {
  const rows = db.query(itemResultStmt, [owner, item[0], name, item[1], item[2]]);
  return rows.length ? (rows[0].value as string) : undefined;
}
