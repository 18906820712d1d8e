import { ApplicationFailure } from '@temporalio/common';
import type { SnowflakeClient } from './client';
import type { SnowflakeSettings } from './settings';

/**
 * Credential `pat` (the default since programmatic access tokens) needs a network policy that the
 * broker role owns: a deployment set up for key pairs has none, and each of its issuances would
 * fail at CREATE USER ... NETWORK_POLICY. This says what to run, or how to stay on key pairs.
 */
export function networkPolicyFix(target: string, s: SnowflakeSettings): string {
  return `as SECURITYADMIN run CREATE NETWORK POLICY IF NOT EXISTS ${s.networkPolicy} ALLOWED_IP_LIST = ('<the gateway's egress IP or CIDR>') ` +
    `and GRANT OWNERSHIP ON NETWORK POLICY ${s.networkPolicy} TO ROLE ${s.brokerRole} COPY CURRENT GRANTS (docs/deployment.md, "The issued user's credential"), ` +
    `or set credentials.settings.credential: keyPair on target "${target}"`;
}

/**
 * For the worker's start-up: what keeps this target's issuances from working, or undefined. The
 * broker's SHOW NETWORK POLICIES lists the policies its role may attach (the ones it owns).
 */
export async function networkPolicyProblem(client: SnowflakeClient, target: string, s: SnowflakeSettings): Promise<string | undefined> {
  if (s.credential !== 'pat') return undefined;
  const policies = await client.execute('SHOW NETWORK POLICIES');
  if (policies.some((p) => String(p.name).toUpperCase() === s.networkPolicy)) return undefined;
  return `target "${target}": network policy ${s.networkPolicy} does not exist or is not owned by the broker role ${s.brokerRole}, ` +
    `so every grant will fail at issuance (its users get programmatic access tokens, which Snowflake allows a SERVICE user only under a network policy); ${networkPolicyFix(target, s)}`;
}

/**
 * An issuance that Snowflake refused because of the network policy (002003 "does not exist or not
 * authorized", 003001 "insufficient privileges" on it) becomes a non-retryable failure naming the
 * fix: retries cannot help until an administrator acts, and the request says why it failed.
 */
export function asNetworkPolicyFailure(error: unknown, target: string, s: SnowflakeSettings): unknown {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (!['002003', '003001'].includes(String(code)) || !/network policy/i.test(String(message))) return error;
  return ApplicationFailure.nonRetryable(
    `target "${target}": Snowflake refused network policy ${s.networkPolicy} for the issued user (${String(message).replace(/\s+/g, ' ').trim()}); ${networkPolicyFix(target, s)}`,
    'NetworkPolicyMissing',
  );
}
