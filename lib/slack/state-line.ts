import { formatDuration } from '../duration';
import { clip, inert } from './text';
import { utcTime, type Who } from './vocabulary';

/**
 * What a state line reads of a request. workflows/types' AccessStatus fits it (activities/notify
 * pins that at compile time); lib/ stays a leaf, so the shape is spelled here, not imported.
 */
export interface StateLineSource {
  state: 'PENDING_APPROVAL' | 'DENIED' | 'EXPIRED_UNAPPROVED' | 'APPROVED' | 'ISSUING' | 'ACTIVE' | 'REVOKING' | 'REVOKED' | 'ARCHIVED' | 'FAILED';
  policy: { autoApproved: boolean; approvalTimeoutMs: number };
  decision?: { by: string; reason?: string };
  revocation?: { by: string; reason: string };
  expiresAt?: string;
  failure?: string;
  archive?: { digest: string };
}
type State = StateLineSource['state'];

const FINAL: readonly State[] = ['DENIED', 'EXPIRED_UNAPPROVED', 'REVOKED', 'ARCHIVED', 'FAILED'];
const LIVE: readonly State[] = ['APPROVED', 'ISSUING', 'ACTIVE'];

export function isFinal(state: State): boolean {
  return FINAL.includes(state);
}

/** Access is (about to be) usable: the states that show "Revoke now". */
export function isLive(state: State): boolean {
  return LIVE.includes(state);
}

/** A short account of where the request stands, for the parent message and `/access status`. */
export function stateLine(s: StateLineSource, who: Who): string {
  const line = baseStateLine(s, who);
  return s.archive ? `${line} · audit archive ${shortDigest(s.archive.digest)}` : line;
}

function baseStateLine(s: StateLineSource, who: Who): string {
  const d = s.decision;
  switch (s.state) {
    case 'PENDING_APPROVAL':
      return s.policy.autoApproved ? 'Auto-approved by policy; issuing the credential' : `Waiting for an approver (the request expires after ${formatDuration(s.policy.approvalTimeoutMs)} without a decision)`;
    case 'DENIED':
      return `Denied by ${who(d?.by ?? '?')}${d?.reason ? `: ${words(d.reason)}` : ''}`;
    case 'EXPIRED_UNAPPROVED':
      return 'Expired: no approver decided in time. Nothing was granted.';
    case 'APPROVED':
    case 'ISSUING':
      return `Approved by ${who(d?.by ?? '?')}; issuing the credential`;
    case 'ACTIVE':
      return `Active until ${utcTime(s.expiresAt)} (approved by ${who(d?.by ?? '?')})`;
    case 'REVOKING':
      return 'Revoking access';
    case 'REVOKED':
    case 'ARCHIVED':
      return revokedLine(s, who);
    case 'FAILED':
      return `Failed: ${words(s.failure ?? 'unknown error')}. Everything issued was revoked.`;
  }
}

function revokedLine(s: StateLineSource, who: Who): string {
  if (!s.revocation) return s.state === 'ARCHIVED' ? 'Closed' : 'Revoked';
  if (!s.decision) return `Withdrawn by ${who(s.revocation.by)} before anyone decided: ${words(s.revocation.reason)}`;
  return `Revoked by ${who(s.revocation.by)}: ${words(s.revocation.reason)}`;
}

/** Someone's words inside the line: inert (no formatting, mention or link) and short. */
function words(text: string): string {
  return clip(text, 300, inert).text;
}

function shortDigest(digest: string): string {
  return `sha256:${digest.slice(0, 16)}…`;
}
