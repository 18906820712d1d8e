import type { SignInClient } from '../../workflows';
import type { OAuthClient } from './clients';

/**
 * What the approvers read about the MCP client a person signed in with. Anyone can register a
 * client dynamically, or host a metadata document, under any name, so a name is a claim unless
 * Gatehouse's owners set it (gatehouse.yaml). What Gatehouse checked itself is said apart:
 * - preregistered: the client id, name and redirect URIs come from gatehouse.yaml;
 * - metadata document: the client id is an https URL whose document Gatehouse fetched from that
 *   host, so the host is verified and the name is what the host's document claims;
 * - dynamic: nothing about the client is verified; it registered itself from an address.
 * A claimed name that looks like a preregistered client's (or Gatehouse's own) is flagged.
 */
export function signInClient(client: OAuthClient, redirectUri: string, preregistered: readonly OAuthClient[]): SignInClient {
  const redirectOrigin = new URL(redirectUri).origin;
  const base = { clientId: client.clientId, kind: client.kind, name: client.clientName, redirectOrigin };
  if (client.kind === 'preregistered') {
    return { ...base, nameVerified: true, verified: 'pre-registered in gatehouse.yaml: client id, name and redirect URIs set by the Gatehouse owners' };
  }
  const verified = client.kind === 'metadata_document'
    ? `client id is a metadata document Gatehouse fetched from ${new URL(client.clientId).host}${client.fetchedAt ? ` at ${client.fetchedAt}` : ''}; only that host is verified`
    : `nothing: registered itself dynamically${client.registeredFrom ? ` from ${client.registeredFrom}` : ''}${client.registeredAt ? ` at ${client.registeredAt}` : ''}; anyone can register any name`;
  const impersonates = lookalikeOf(client.clientName, preregistered);
  return { ...base, nameVerified: false, verified, ...(impersonates ? { impersonates } : {}) };
}

/** Names no unverified client may wear: Gatehouse's own, and every preregistered client's. */
function lookalikeOf(name: string, preregistered: readonly OAuthClient[]): string | undefined {
  const claimed = skeleton(name);
  if (!claimed) return undefined;
  const protectedNames = [...preregistered.map((c) => ({ label: `${c.clientName} (pre-registered client ${c.clientId})`, skeleton: skeleton(c.clientName) })), { label: 'Gatehouse itself', skeleton: skeleton('Gatehouse') }];
  return protectedNames.find((p) => p.skeleton.length >= 3 && (claimed === p.skeleton || (p.skeleton.length >= 5 && claimed.includes(p.skeleton))))?.label;
}

// Letters that look alike across scripts (Cyrillic, Greek) and digits that pass for letters.
const CONFUSABLE: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'l', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', к: 'k', м: 'm', т: 't', в: 'b', н: 'h',
  α: 'a', ε: 'e', ο: 'o', ρ: 'p', ν: 'v', τ: 't', κ: 'k', ι: 'l', υ: 'u', χ: 'x', '0': 'o', '1': 'l', i: 'l', '|': 'l', ɡ: 'g', ı: 'l',
};

/** A name reduced to what a reader sees: compatibility-folded, lower case, look-alikes merged, no marks, spaces or punctuation. */
export function skeleton(name: string): string {
  const folded = name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return [...folded].map((c) => CONFUSABLE[c] ?? c).join('').replace(/rn/g, 'm').replace(/[^\p{L}\p{N}]/gu, '');
}
