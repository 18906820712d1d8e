import { isRequestId, parseDuration } from '../lib';

/**
 * `/access …` as typed, turned into what the person meant (or what was wrong). Pure: the app
 * answers `invalid` in the ack itself, before any I/O.
 */
export type AccessCommand =
  | { kind: 'modal' }
  | { kind: 'help' }
  | { kind: 'status'; requestId?: string }
  | { kind: 'revoke'; requestId: string; reason?: string }
  | { kind: 'request'; target: string; durationMs: number; duration: string; reason: string; ticket?: string }
  | { kind: 'invalid'; problem: string; form: string };

export const FORMS = {
  request: '/access <target> <duration> <reason…> [ticket:ABC-123]   e.g. /access clinical-readonly 2h investigate claim 4411 ticket:INC-9',
  modal: '/access   (opens the request form)',
  status: '/access status [request id]',
  revoke: '/access revoke <request id> [reason…]',
  help: '/access help',
} as const;

/** The help text: every form, one per line. */
export function usage(): string {
  return [
    '*Gatehouse: just-in-time access to PHI*',
    `\`${FORMS.request}\`  ask for access`,
    `\`${FORMS.modal}\``,
    `\`${FORMS.status}\`  your recent requests, or one of them`,
    `\`${FORMS.revoke}\`  end access now (requester or approver)`,
    `\`${FORMS.help}\`  this text`,
    'Durations are written like 30m, 2h or 1d. An approver of the target decides in the approvers\' channel; you get a DM with the link.',
  ].join('\n');
}

const TICKET = /^ticket[:=](\S+)$/i;
const TARGET = /^[a-z][a-z0-9-]{0,62}$/;

export function parseAccessCommand(text: string): AccessCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'modal' };
  const verb = first.toLowerCase();

  if (verb === 'help' || verb === '?' || verb === '--help' || verb === '-h') return { kind: 'help' };

  if (verb === 'status') {
    if (rest.length === 0) return { kind: 'status' };
    const [id, ...extra] = rest;
    if (extra.length) return invalid(`\`/access status\` takes at most one request id, not "${rest.join(' ')}".`, FORMS.status);
    if (!isRequestId(id)) return invalid(`"${id}" is not a request id (they look like req_ followed by 20 letters and digits).`, FORMS.status);
    return { kind: 'status', requestId: id };
  }

  if (verb === 'revoke') {
    const [id, ...reason] = rest;
    if (id === undefined) return invalid('Say which request to revoke.', FORMS.revoke);
    if (!isRequestId(id)) return invalid(`"${id}" is not a request id (they look like req_ followed by 20 letters and digits).`, FORMS.revoke);
    return reason.length ? { kind: 'revoke', requestId: id, reason: reason.join(' ') } : { kind: 'revoke', requestId: id };
  }

  // A request: <target> <duration> <reason…>
  const target = first;
  if (!TARGET.test(target)) {
    return invalid(`"${target}" is neither a command (help, status, revoke) nor a target name (targets are lowercase, like clinical-readonly).`, FORMS.request);
  }
  const [duration, ...reasonWords] = rest;
  if (duration === undefined) return invalid(`Say for how long you need ${target}, and why.`, FORMS.request);
  let durationMs: number;
  try {
    durationMs = parseDuration(duration);
  } catch {
    return invalid(`"${duration}" is not a duration; write it like 30m, 2h or 1d.`, FORMS.request);
  }
  const tickets = reasonWords.filter((w) => TICKET.test(w));
  if (tickets.length > 1) return invalid('Give at most one ticket.', FORMS.request);
  const reason = reasonWords.filter((w) => !TICKET.test(w)).join(' ').trim();
  if (!reason) return invalid(`Say why you need ${target}: a reason is required and the approvers read it.`, FORMS.request);
  if (reason.length > 1000) return invalid(`The reason is ${reason.length} characters; keep it under 1000.`, FORMS.request);
  const ticket = tickets[0] ? TICKET.exec(tickets[0])?.[1] : undefined;
  return { kind: 'request', target, durationMs, duration, reason, ...(ticket ? { ticket } : {}) };
}

function invalid(problem: string, form: string): AccessCommand {
  return { kind: 'invalid', problem, form };
}

/** The ephemeral answer to a malformed command: what was wrong, then the right form. */
export function invalidMessage(c: { problem: string; form: string }): string {
  return `${c.problem}\nUse: \`${c.form}\`\nAll forms: \`/access help\``;
}
