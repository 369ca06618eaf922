-- Per-role variables (spec section 5).
CREATE FUNCTION df._js_setvar(name text, value text) RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.setvar(name, value); $$;
CREATE FUNCTION df.setvar(name text, value text) RETURNS text LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_setvar($1, $2));
COMMENT ON FUNCTION df.setvar(text, text) IS 'Set a variable for {name} templates of workflows started later';

CREATE FUNCTION df._js_getvar(name text) RETURNS text[] LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.getvar(name); $$;
CREATE FUNCTION df.getvar(name text) RETURNS text LANGUAGE sql STABLE STRICT
RETURN df._unwrap(df._js_getvar($1));
COMMENT ON FUNCTION df.getvar(text) IS 'The value of one of your variables';

CREATE FUNCTION df._js_unsetvar(name text) RETURNS text[] LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.unsetvar(name); $$;
CREATE FUNCTION df.unsetvar(name text) RETURNS text LANGUAGE sql VOLATILE STRICT
RETURN df._unwrap(df._js_unsetvar($1));
COMMENT ON FUNCTION df.unsetvar(text) IS 'Remove one of your variables';

CREATE FUNCTION df._js_clearvars() RETURNS text[] LANGUAGE plv8 VOLATILE
AS $$ return @API@.clearvars(); $$;
CREATE FUNCTION df.clearvars() RETURNS text LANGUAGE sql VOLATILE
RETURN df._unwrap(df._js_clearvars());
COMMENT ON FUNCTION df.clearvars() IS 'Remove all your variables';
