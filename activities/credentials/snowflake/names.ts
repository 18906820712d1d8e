import { ApplicationFailure } from '@temporalio/common';
import { isRequestId } from '../../../lib';

/** Every user the broker creates is named GH_<REQUEST ID> and carries this marker in its COMMENT. */
export const USER_PREFIX = 'GH_';
export const COMMENT_MARKER = 'gatehouse-broker';
const PRINCIPAL = /^GH_REQ_[A-Z0-9]{20}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The Snowflake user for a request, or a non-retryable failure if the id is not one of ours. */
export function principalFor(requestId: string): string {
  if (!isRequestId(requestId)) {
    throw ApplicationFailure.nonRetryable(`refusing to derive a Snowflake user from ${JSON.stringify(String(requestId).slice(0, 40))}: not a Gatehouse request id (req_ + 20 of a-z0-9)`, 'InvalidRequestId');
  }
  const principal = `${USER_PREFIX}${requestId.toUpperCase()}`;
  if (!PRINCIPAL.test(principal)) throw ApplicationFailure.nonRetryable(`derived user name ${principal} is not valid`, 'InvalidRequestId');
  return principal;
}

/** The request id behind a broker-made user name, or undefined for any other name. */
export function requestIdOf(principal: string): string | undefined {
  if (!PRINCIPAL.test(principal)) return undefined;
  return principal.slice(USER_PREFIX.length).toLowerCase();
}

/** The COMMENT of a broker-made user: marker, request id and grant end (all validated values). */
export function commentFor(requestId: string, target: string, expiresAt: string): string {
  principalFor(requestId);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(target)) throw ApplicationFailure.nonRetryable(`target name ${JSON.stringify(target)} cannot go into a Snowflake comment`, 'InvalidTarget');
  const end = Date.parse(expiresAt);
  if (!ISO_INSTANT.test(expiresAt) || !Number.isFinite(end)) throw ApplicationFailure.nonRetryable(`expiresAt ${JSON.stringify(expiresAt)} is not a date`, 'InvalidExpiry');
  return `${COMMENT_MARKER} request=${requestId} target=${target} expires=${new Date(end).toISOString()}`;
}

/** The request id recorded in a broker COMMENT, if the comment carries the marker. */
export function requestIdFromComment(comment: string | null | undefined): string | undefined {
  const match = /^gatehouse-broker request=(req_[a-z0-9]{20})(\s|$)/.exec(comment ?? '');
  return match?.[1];
}

/** When the grant a broker COMMENT was written for ended (as issued; an extension does not change it), or undefined. */
export function grantEndFromComment(comment: string | null | undefined): number | undefined {
  const match = /^gatehouse-broker request=req_[a-z0-9]{20} target=[A-Za-z0-9-]+ expires=(\S+)$/.exec(comment ?? '');
  const at = match ? Date.parse(match[1]!) : NaN;
  return Number.isFinite(at) ? at : undefined;
}

/** A string literal from a value already validated to contain none of ' \ or control characters. */
export function literal(value: string): string {
  if ([...value].some((ch) => ch === "'" || ch === '\\' || ch.charCodeAt(0) < 0x20)) throw new Error('refusing to build a literal from a value with quotes, backslashes or control characters');
  return `'${value}'`;
}

/**
 * The short-lived user the broker mints to read a target's catalog: GH_CAT_ + 20 of A-Z0-9,
 * its COMMENT carrying the marker, the target and when it may be dropped by reconciliation.
 */
export const CATALOG_READER_PREFIX = 'GH_CAT_';
const CATALOG_READER = /^GH_CAT_[A-Z0-9]{20}$/;
export const isCatalogReader = (principal: string): boolean => CATALOG_READER.test(principal);

export function catalogReaderComment(target: string, expiresAt: Date): string {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/i.test(target)) throw ApplicationFailure.nonRetryable(`target name ${JSON.stringify(target)} cannot go into a Snowflake comment`, 'InvalidTarget');
  return `${COMMENT_MARKER} catalog-reader target=${target} expires=${expiresAt.toISOString()}`;
}

/** When a catalog reader's COMMENT says it may go, or undefined when the comment is not ours. */
export function catalogReaderExpiry(comment: string | null | undefined): number | undefined {
  const match = /^gatehouse-broker catalog-reader target=[A-Za-z0-9-]+ expires=(\S+)$/.exec(comment ?? '');
  const at = match ? Date.parse(match[1]!) : NaN;
  return Number.isFinite(at) ? at : undefined;
}
