/** A set-up step that cannot be done here; its message is one sentence saying what to do. */
export class SetupError extends Error {}
