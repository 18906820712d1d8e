import { DEFAULT_ALGORITHMS, type OidcSettings } from './auth';

/** A setting the API needs is missing or wrong in its environment. */
export class ApiSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiSettingsError';
  }
}

export interface ApiSettings {
  host: string;
  port: number;
  /** The URL clients use to reach the API (for the OpenAPI document); optional. */
  publicUrl?: string;
  /** The MCP gateway's base URL; endpoints are `<gatewayUrl>/mcp/<target>`. */
  gatewayUrl: string;
  oidc: OidcSettings;
}

export const DEFAULT_API_PORT = 8080;
/** The gateway's own default address (proxy/run.ts DEFAULT_GATEWAY_PORT). */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8788';

/** Reads the API's settings from the environment (see README, "The REST API"). */
export function apiSettings(env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const missing = ['GATEHOUSE_OIDC_ISSUER', 'GATEHOUSE_OIDC_AUDIENCE'].filter((name) => !env[name]);
  if (missing.length) {
    throw new ApiSettingsError(`missing ${missing.join(' and ')}: the API verifies OIDC bearer tokens from this issuer, meant for this audience`);
  }
  const port = Number(env.GATEHOUSE_API_PORT ?? DEFAULT_API_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ApiSettingsError(`GATEHOUSE_API_PORT "${env.GATEHOUSE_API_PORT}" is not a TCP port`);
  const algorithms = (env.GATEHOUSE_OIDC_ALGORITHMS ?? DEFAULT_ALGORITHMS.join(',')).split(',').map((a) => a.trim()).filter(Boolean);
  if (algorithms.length === 0 || algorithms.some((a) => a.toLowerCase() === 'none' || a.startsWith('HS'))) {
    throw new ApiSettingsError('GATEHOUSE_OIDC_ALGORITHMS must list asymmetric JWS algorithms (e.g. RS256,ES256); "none" and HS* are refused');
  }
  const introspectionId = env.GATEHOUSE_OIDC_INTROSPECTION_CLIENT_ID;
  const introspectionSecret = env.GATEHOUSE_OIDC_INTROSPECTION_CLIENT_SECRET;
  if (Boolean(introspectionId) !== Boolean(introspectionSecret)) {
    throw new ApiSettingsError('set both GATEHOUSE_OIDC_INTROSPECTION_CLIENT_ID and GATEHOUSE_OIDC_INTROSPECTION_CLIENT_SECRET, or neither');
  }
  const tokenType = env.GATEHOUSE_OIDC_TOKEN_TYPE ?? 'at+jwt';
  for (const name of ['GATEHOUSE_OIDC_ISSUER', 'GATEHOUSE_GATEWAY_URL', 'GATEHOUSE_API_PUBLIC_URL']) {
    if (env[name] && !URL.canParse(env[name]!)) throw new ApiSettingsError(`${name} "${env[name]}" is not a URL`);
  }
  return {
    host: env.GATEHOUSE_API_HOST ?? '127.0.0.1',
    port,
    ...(env.GATEHOUSE_API_PUBLIC_URL ? { publicUrl: env.GATEHOUSE_API_PUBLIC_URL } : {}),
    gatewayUrl: env.GATEHOUSE_GATEWAY_URL ?? DEFAULT_GATEWAY_URL,
    oidc: {
      issuer: env.GATEHOUSE_OIDC_ISSUER!,
      audience: env.GATEHOUSE_OIDC_AUDIENCE!,
      algorithms,
      subjectClaim: env.GATEHOUSE_OIDC_SUBJECT_CLAIM ?? 'sub',
      ...(tokenType && tokenType !== 'none' ? { tokenType } : {}),
      clockToleranceSeconds: 5,
      ...(introspectionId ? { introspection: { clientId: introspectionId, clientSecret: introspectionSecret! } } : {}),
      allowLoopbackHttp: true,
    },
  };
}
