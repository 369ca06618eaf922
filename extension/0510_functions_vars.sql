-- Per-role variables (spec section 5).
CREATE FUNCTION df.setvar(name text, value text) RETURNS text LANGUAGE plv8 VOLATILE
AS $$
  if (name === null) throw new Error('variable name must not be NULL');
  return @API@.setvar(name, value);
$$;
COMMENT ON FUNCTION df.setvar(text, text) IS 'Set a variable for {name} templates of workflows started later';

CREATE FUNCTION df.getvar(name text) RETURNS text LANGUAGE plv8 STABLE STRICT
AS $$ return @API@.getvar(name); $$;
COMMENT ON FUNCTION df.getvar(text) IS 'The value of one of your variables';

CREATE FUNCTION df.unsetvar(name text) RETURNS text LANGUAGE plv8 VOLATILE STRICT
AS $$ return @API@.unsetvar(name); $$;
COMMENT ON FUNCTION df.unsetvar(text) IS 'Remove one of your variables';

CREATE FUNCTION df.clearvars() RETURNS text LANGUAGE plv8 VOLATILE
AS $$ return @API@.clearvars(); $$;
COMMENT ON FUNCTION df.clearvars() IS 'Remove all your variables';
