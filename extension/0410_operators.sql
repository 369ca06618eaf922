-- The DSL operators live in public so they resolve without df on search_path. PostgreSQL
-- gives them all one precedence, left-associative: parenthesize mixed expressions.
CREATE OPERATOR public.~> (LEFTARG = text, RIGHTARG = text, FUNCTION = df.seq);
CREATE OPERATOR public.|=> (LEFTARG = text, RIGHTARG = text, FUNCTION = df."as");
CREATE OPERATOR public.& (LEFTARG = text, RIGHTARG = text, FUNCTION = df."join");
CREATE OPERATOR public.| (LEFTARG = text, RIGHTARG = text, FUNCTION = df.race);
CREATE OPERATOR public.?> (LEFTARG = text, RIGHTARG = text, FUNCTION = df._partial_if);
CREATE OPERATOR public.!> (LEFTARG = text, RIGHTARG = text, FUNCTION = df._complete_if);
CREATE OPERATOR public.@> (RIGHTARG = text, FUNCTION = df._loop_forever);
