/** A template reference that cannot be filled in; the node fails with this message. */
export class SubstitutionError extends Error {}
