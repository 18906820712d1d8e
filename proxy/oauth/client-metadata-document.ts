import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import { OAuthError } from './errors';
import { redirectUriProblem } from './redirect-uri';

export interface MetadataFetchLimits {
  /** http:// documents (development only; the MCP SDK itself only sends https URLs). */
  allowHttp: boolean;
  /** Documents on loopback addresses (development and tests only). */
  allowLoopback: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** Extra trusted certificate authorities (PEM), e.g. a test CA. */
  ca?: string[];
}

export const DEFAULT_METADATA_FETCH: MetadataFetchLimits = { allowHttp: false, allowLoopback: false, timeoutMs: 3_000, maxBytes: 5 * 1024 };

const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [['::', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Why an address may not be fetched from, or null when it may. IPv4-mapped IPv6 counts as IPv4. */
export function addressProblem(address: string, allowLoopback: boolean): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (LOOPBACK.check(ip, family)) return allowLoopback ? null : `${ip} is a loopback address`;
  if (PRIVATE.check(ip, family)) return `${ip} is a private or reserved address`;
  return null;
}

/** The client metadata a document may carry (draft-ietf-oauth-client-id-metadata-document). */
const documentSchema = z.object({
  client_id: z.string(),
  client_name: z.string().max(200).optional(),
  client_uri: z.string().max(2000).optional(),
  logo_uri: z.string().max(2000).optional(),
  redirect_uris: z.array(z.string().max(2000)).min(1).max(20),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  token_endpoint_auth_method: z.string().optional(),
  client_secret: z.unknown().optional(),
});
export type ClientMetadataDocument = z.output<typeof documentSchema>;

/** Whether a client_id is meant as a metadata document URL, and what is wrong with it if so. */
export function metadataUrlProblem(clientId: string, limits: Pick<MetadataFetchLimits, 'allowHttp'>): string | null {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:' && !(limits.allowHttp && url.protocol === 'http:')) return 'a client ID metadata document URL must use https';
  if (url.pathname === '/' || !url.pathname) return 'a client ID metadata document URL must have a path';
  if (url.hash || clientId.includes('#')) return 'a client ID metadata document URL must not have a fragment';
  if (url.username || url.password) return 'a client ID metadata document URL must not carry credentials';
  if (/\/\.\.?(\/|$)/.test(url.pathname) || /\/\.\.?(\/|$)/.test(clientId.slice(clientId.indexOf('//') + 2))) return 'a client ID metadata document URL must not have dot segments';
  return null;
}

/**
 * Fetches a Client ID Metadata Document with strict limits: the scheme, where it resolves to
 * (checked on the address actually connected to, so DNS rebinding gains nothing), no redirects,
 * a time cap and a size cap. Every refusal is an `invalid_client` naming what was wrong.
 */
export async function fetchClientMetadataDocument(clientId: string, limits: MetadataFetchLimits): Promise<ClientMetadataDocument> {
  const problem = metadataUrlProblem(clientId, limits);
  if (problem) throw new OAuthError('invalid_client', `client_id ${clientId}: ${problem}`);
  const url = new URL(clientId);
  const refuse = (why: string) => new OAuthError('invalid_client', `the client metadata document at ${clientId} ${why}; nothing was issued`);
  const guardedLookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const bad = list.map((a) => addressProblem(a.address, limits.allowLoopback)).find(Boolean);
      if (bad) return callback(Object.assign(new Error(`resolves to ${bad}`), { code: 'EGATEHOUSEADDRESS' }), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  };
  // An IP literal never goes through lookup: check it here.
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) {
    const bad = addressProblem(literal, limits.allowLoopback);
    if (bad) throw refuse(`is on ${bad}`);
  }
  const text = await new Promise<string>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': 'gatehouse-oauth' },
      lookup: guardedLookup,
      ...(limits.ca && url.protocol === 'https:' ? { ca: limits.ca } : {}),
    }, (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.resume();
        return reject(refuse(`answered with a redirect (HTTP ${status}); documents are fetched without following redirects`));
      }
      if (status !== 200) {
        response.resume();
        return reject(refuse(`answered HTTP ${status}`));
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        response.destroy();
        return reject(refuse(`is larger than ${limits.maxBytes} bytes`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) {
          response.destroy();
          reject(refuse(`is larger than ${limits.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', (error) => reject(refuse(`could not be read (${error.message})`)));
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(refuse(`did not arrive within ${limits.timeoutMs} ms`));
    }, limits.timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(refuse(error.code === 'EGATEHOUSEADDRESS' ? `is refused: its host ${error.message}` : `could not be fetched (${error.code ?? error.message})`));
    });
    request.end();
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw refuse('is not JSON');
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) throw refuse(`is not valid client metadata (${parsed.error.issues.map((i) => `${i.path.join('.') || 'document'}: ${i.message}`).join('; ')})`);
  const doc = parsed.data;
  if (doc.client_id !== clientId) throw refuse(`names client_id ${JSON.stringify(doc.client_id)}, not its own URL`);
  if (doc.client_secret !== undefined || /^client_secret_/.test(doc.token_endpoint_auth_method ?? '')) {
    throw refuse('asks for a client secret; documents describe public clients (token_endpoint_auth_method none)');
  }
  if (doc.token_endpoint_auth_method && doc.token_endpoint_auth_method !== 'none') {
    throw refuse(`uses token_endpoint_auth_method ${doc.token_endpoint_auth_method}; this server supports only none (PKCE)`);
  }
  const badUri = doc.redirect_uris.map(redirectUriProblem).find(Boolean);
  if (badUri) throw refuse(`has an unacceptable redirect URI: ${badUri}`);
  return doc;
}
