// Advisory-lock keys. Advisory locks take no transaction ID, unlike row locks, which keeps
// a step at three XIDs (transaction, user statement, checkpoint).

/** Serialises all bookkeeping of one instance (workers finishing steps, cancel, signal). */
export const INSTANCE_LOCK_CLASS = 1_886_611_812;
/** Marks an activation as claimed by the worker that holds it. */
export const CLAIM_LOCK_CLASS = 1_886_611_813;

/** SQL for the 32-bit key of an instance id (8 hex digits) given as $1. */
export const INSTANCE_KEY_SQL = `('x' || $1)::bit(32)::int4`;
