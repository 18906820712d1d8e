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

/** Exit codes of the access commands (request, status, list, approve, deny, revoke, extend). */
export const ACCESS_EXIT = {
  /** No valid credentials, or the token lacks the scope the command needs. */
  auth: 4,
  /** No such access request (or not one the caller may see). */
  notFound: 5,
  /** --wait gave up before the request reached an answer. */
  timeout: 6,
  /** The API or the identity provider could not be reached, or failed. */
  unavailable: 7,
} as const;

/** A command ends with this exit code; run.ts prints the message (if any) and returns the code. */
export class CommandFailure extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}
