-- A SQL step's rows become JSON through row_to_json, which writes a float's NaN and
-- infinities as the strings "NaN", "Infinity" and "-Infinity", exactly like a text column
-- holding those words. The spec wants null for the numbers, so a step sends the rare row whose
-- JSON text holds such a string here, with the row itself. The row's binary form
-- (record_send) tells each column's type: a value is a number's when its column is of the
-- numeric type category (float4, float8, numeric, a domain over one of them), or is an array
-- (any depth) of elements of that category; then it becomes null, or its non-finite elements
-- do. Nothing else changes: the answer is row_to_json's text with every other key and value
-- byte-exact and in its place. Values inside a composite column keep their strings.
-- No subtransaction (a step's query may run in parallel mode, which forbids them) and no
-- input function runs; record_send needs a binary output function for each non-null column,
-- which every built-in type but aclitem and gtsvector has.
-- SECURITY INVOKER: the step's own role reads its own row.
CREATE FUNCTION df._non_finite_as_null(p_row record, p_json text) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_pos pg_catalog.int4[];      -- positions (from 1) of the values that may be a number's
  v_arrays pg_catalog.bool[];   -- whether each is an array
  v_bin pg_catalog.bytea;       -- the row in binary (see below)
  v_at pg_catalog.int4 := 4;    -- where column v_column starts in v_bin
  v_column pg_catalog.int4 := 1;
  v_category pg_catalog."char";  -- pg_type.typcategory of a value's column (or elements)
  v_numbers pg_catalog.int4[] := '{}';  -- positions of the values that are a number's
  v_result pg_catalog.text;
BEGIN
  SELECT pg_catalog.array_agg(e.n::pg_catalog.int4 ORDER BY e.n),
         pg_catalog.array_agg(pg_catalog.left(e.value::pg_catalog.text, 1) = '[' ORDER BY e.n)
  INTO v_pos, v_arrays
  FROM pg_catalog.json_each(p_json::pg_catalog.json) WITH ORDINALITY AS e (key, value, n)
  WHERE e.value::pg_catalog.text IN ('"NaN"', '"Infinity"', '"-Infinity"')
     OR (pg_catalog.left(e.value::pg_catalog.text, 1) = '['
         AND (pg_catalog.strpos(e.value::pg_catalog.text, 'NaN"') > 0
              OR pg_catalog.strpos(e.value::pg_catalog.text, 'Infinity"') > 0));
  IF v_pos IS NULL THEN
    RETURN p_json;
  END IF;

  -- record_send writes the column count, then for each column its type oid and its length
  -- (-1 for NULL) as big-endian int4s, then its value's bytes; an array's value starts with
  -- its dimension count, a null flag and its element type. A domain has its base type's
  -- category (a domain over an array, 'A'), and an array of domains has them as its element
  -- type. A JSON array may also come from a json column: its elements' type is read only once
  -- the column is known to be an array.
  v_bin := pg_catalog.record_send(p_row);
  FOR v_i IN 1 .. pg_catalog.cardinality(v_pos) LOOP
    FOR v_skipped IN v_column .. v_pos[v_i] - 1 LOOP
      v_at := v_at + 8 + GREATEST((pg_catalog.get_byte(v_bin, v_at + 4) << 24) | (pg_catalog.get_byte(v_bin, v_at + 5) << 16)
                                  | (pg_catalog.get_byte(v_bin, v_at + 6) << 8) | pg_catalog.get_byte(v_bin, v_at + 7), 0);
    END LOOP;
    v_column := v_pos[v_i];
    SELECT t.typcategory INTO v_category FROM pg_catalog.pg_type t
    WHERE t.oid = ((pg_catalog.get_byte(v_bin, v_at)::pg_catalog.int8 << 24) | (pg_catalog.get_byte(v_bin, v_at + 1) << 16)
                   | (pg_catalog.get_byte(v_bin, v_at + 2) << 8) | pg_catalog.get_byte(v_bin, v_at + 3))::pg_catalog.oid;
    IF v_arrays[v_i] THEN
      IF v_category = 'A' THEN
        SELECT t.typcategory INTO v_category FROM pg_catalog.pg_type t
        WHERE t.oid = ((pg_catalog.get_byte(v_bin, v_at + 16)::pg_catalog.int8 << 24) | (pg_catalog.get_byte(v_bin, v_at + 17) << 16)
                       | (pg_catalog.get_byte(v_bin, v_at + 18) << 8) | pg_catalog.get_byte(v_bin, v_at + 19))::pg_catalog.oid;
      ELSE
        v_category := NULL;
      END IF;
    END IF;
    IF v_category = 'N' THEN
      v_numbers := v_numbers || v_column;
    END IF;
  END LOOP;
  IF pg_catalog.cardinality(v_numbers) = 0 THEN
    RETURN p_json;
  END IF;

  -- Rebuilt in row_to_json's format: no spaces, keys escaped like to_json escapes text
  -- (json_each keeps each value's text, duplicate keys and the order).
  SELECT '{' || pg_catalog.string_agg(
           pg_catalog.to_json(e.key)::pg_catalog.text || ':' ||
           CASE WHEN e.n <> ALL (v_numbers) THEN e.value::pg_catalog.text
                -- a number array's only strings are the non-finite ones
                WHEN pg_catalog.left(e.value::pg_catalog.text, 1) = '['
                  THEN pg_catalog.regexp_replace(e.value::pg_catalog.text, '"(NaN|-?Infinity)"', 'null', 'g')
                ELSE 'null' END,
           ',' ORDER BY e.n) || '}'
  INTO v_result
  FROM pg_catalog.json_each(p_json::pg_catalog.json) WITH ORDINALITY AS e (key, value, n);
  RETURN v_result;
END
$$;
COMMENT ON FUNCTION df._non_finite_as_null(record, text) IS
'Internal: a step row''s JSON (row_to_json) with the NaN and infinities of its number columns as null';
