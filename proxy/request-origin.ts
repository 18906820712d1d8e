import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import type { GatehouseConfig } from '../policy';

/**
 * DNS-rebinding protection (MCP Streamable HTTP transport, "Security Warning": servers MUST
 * validate the Origin header). A page on evil.example.com whose name an attacker re-points at the
 * gateway's address reaches the gateway with `Host: evil.example.com` and
 * `Origin: http://evil.example.com`; both are refused here, before a token is looked at, so no
 * session, metadata or challenge is ever built from a Host the gateway does not own.
 *
 * - Host must be the public URL's host, one of `gateway.allowedHosts`, or (development) loopback.
 * - Origin, when present (browsers always send it on cross-origin requests), must be the public
 *   URL's origin, one of `gateway.allowedOrigins`, or (development) a loopback origin. `null` is refused.
 */
export interface OriginRules {
  /** The public base URL (no trailing slash), when configured. */
  readonly publicUrl?: string;
  /** Fixed once made (`originRules`): the Host verdicts are remembered per rules object. */
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;
  readonly allowLoopback: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** host[:port] with the scheme's default port removed, lower case; undefined when it is not a valid authority. */
function authority(host: string, scheme: 'http:' | 'https:'): { host: string; hostname: string } | undefined {
  if (!host || /[\s/?#@\\]/.test(host)) return undefined;
  try {
    const url = new URL(`${scheme}//${host}`);
    return { host: url.host, hostname: url.hostname };
  } catch {
    return undefined;
  }
}

const isLoopbackName = (hostname: string) => LOOPBACK.has(hostname) || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/**
 * The rules from gatehouse.yaml's `gateway:` section and GATEHOUSE_GATEWAY_PUBLIC_URL (which must
 * agree with `gateway.publicUrl` when both are set).
 */
export function originRules(gateway: GatehouseConfig['gateway'] | undefined, publicUrlFromEnv?: string): OriginRules {
  const configured = gateway?.publicUrl?.replace(/\/$/, '');
  const fromEnv = publicUrlFromEnv?.replace(/\/$/, '');
  if (configured && fromEnv && configured !== fromEnv) {
    throw new Error(`the gateway's public URL is ${fromEnv} in GATEHOUSE_GATEWAY_PUBLIC_URL but ${configured} in gatehouse.yaml (gateway.publicUrl): set one, or make them the same`);
  }
  const publicUrl = fromEnv ?? configured;
  const hosts = new Set<string>();
  const origins = new Set<string>();
  let publicOnLoopback = false;
  if (publicUrl) {
    let url: URL;
    try {
      url = new URL(publicUrl);
    } catch {
      throw new Error(`the gateway's public URL "${publicUrl}" is not a URL (GATEHOUSE_GATEWAY_PUBLIC_URL or gateway.publicUrl)`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`the gateway's public URL "${publicUrl}" must be http(s)`);
    hosts.add(url.host);
    origins.add(url.origin);
    publicOnLoopback = isLoopbackName(url.hostname);
  }
  for (const h of gateway?.allowedHosts ?? []) {
    const a = authority(h.toLowerCase(), 'http:');
    if (a) hosts.add(a.host);
  }
  for (const o of gateway?.allowedOrigins ?? []) origins.add(new URL(o).origin);
  return { ...(publicUrl ? { publicUrl } : {}), hosts, origins, allowLoopback: gateway?.allowLoopback ?? (!publicUrl || publicOnLoopback) };
}

/** Host verdicts per rules object, remembered: two URL parses per request were ~1 % of the gateway's CPU. */
const hostVerdicts = new WeakMap<OriginRules, Map<string, boolean>>();
/** Distinct Host values remembered per rules object; past this the memory starts again (any client chooses its Host). */
const HOST_VERDICTS = 64;

function hostAllowed(host: string, rules: OriginRules): boolean {
  let verdicts = hostVerdicts.get(rules);
  if (verdicts === undefined) {
    verdicts = new Map();
    hostVerdicts.set(rules, verdicts);
  }
  let allowed = verdicts.get(host);
  if (allowed === undefined) {
    const a = authority(host, 'http:');
    allowed = !!a && (rules.hosts.has(a.host) || rules.hosts.has(authority(host, 'https:')?.host ?? '') || (rules.allowLoopback && isLoopbackName(a.hostname)));
    if (verdicts.size >= HOST_VERDICTS) verdicts.clear();
    verdicts.set(host, allowed);
  }
  return allowed;
}

/** Why a request is refused, or undefined when its Host and Origin are the gateway's own. */
export function foreignOrigin(headers: IncomingHttpHeaders, rules: OriginRules): string | undefined {
  const where = rules.publicUrl ? `it answers as ${rules.publicUrl}` : 'it has no public URL (GATEHOUSE_GATEWAY_PUBLIC_URL or gateway.publicUrl), so it answers on loopback only';
  const host = typeof headers.host === 'string' ? headers.host.toLowerCase() : '';
  if (!hostAllowed(host, rules)) {
    return `refused: the Host header ${host ? `"${clip(host)}"` : '(missing)'} is not this gateway's name; ${where}. ` +
      'Requests for other names are refused to prevent DNS rebinding; add a name the gateway is reached by to gateway.allowedHosts in gatehouse.yaml';
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  if (!allowedOrigin(origin, rules)) {
    return `refused: requests from the web origin "${clip(origin)}" are not allowed; ${where}. ` +
      'Cross-origin calls are refused to prevent DNS rebinding; add a trusted origin to gateway.allowedOrigins in gatehouse.yaml';
  }
  return undefined;
}

/** A header value as it may be quoted back: short, printable. */
function clip(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}

/** What a browser page may send the gateway besides the CORS-safelisted headers: auth, both protocol eras' headers, resume. */
export const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Accept', 'Mcp-Session-Id', 'Mcp-Protocol-Version', 'Last-Event-ID', 'Mcp-Method', 'Mcp-Name'];
/** What its script may read: the session id, the OAuth challenge, the negotiated version, when to retry. */
export const CORS_EXPOSED_HEADERS = ['Mcp-Session-Id', 'WWW-Authenticate', 'Mcp-Protocol-Version', 'Retry-After'];

/**
 * CORS for browser MCP clients (the Inspector in a browser, web agents), with the `cors`
 * middleware. It runs after `foreignOrigin`, so only an origin the gateway allows gets here; that
 * origin is echoed, never `*`, and no credentials (cookies) are ever allowed: the gateway reads
 * only the bearer token, which a page must send itself. Returns true when it answered a preflight.
 */
export function corsFor(rules: OriginRules): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const handler = cors({
    origin: (origin, callback) => callback(null, !!origin && allowedOrigin(origin, rules)),
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    // The gateway answers the preflight itself (below), so the middleware always hands back.
    preflightContinue: true,
  });
  return (req, res) => new Promise<boolean>((resolve, reject) => handler(req, res, (error) => {
    if (error) return reject(error instanceof Error ? error : new Error(String(error)));
    const preflight = req.method === 'OPTIONS' && typeof req.headers.origin === 'string' && typeof req.headers['access-control-request-method'] === 'string';
    if (preflight) res.writeHead(204, { 'content-length': '0' }).end();
    resolve(preflight);
  }));
}

function allowedOrigin(origin: string, rules: OriginRules): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'https:' || url.protocol === 'http:') && (rules.origins.has(url.origin) || (rules.allowLoopback && isLoopbackName(url.hostname)));
  } catch {
    return false;
  }
}
