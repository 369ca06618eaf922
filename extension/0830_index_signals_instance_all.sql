-- Removing an instance (df.cleanup) cascades to its signals, and PostgreSQL runs a cascade as
-- one lookup per removed instance. The indexes of 0140 hold live signals only, so without
-- this each lookup would scan the whole table, and a role could slow everyone's cleanup down
-- by keeping many signals around. (Activations have such an index in 0130.)
CREATE INDEX signals_instance_all_idx ON df.signals (instance_id, owner);
