/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The operation was tried and did not succeed (denied, rejected, failed). */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** Configuration or a prerequisite is missing or invalid. */
  config: 3,
} as const;
