// The codec server (Temporal's remote codec protocol): the Temporal UI and CLI post encrypted
// payloads to <api>/codec/decode and get them back readable, for people whose token carries
// audit:read. Payloads are never logged (the request log has method, path, status and subject).
import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { EncryptionCodec, PayloadCodecError, type PayloadKeyring } from '../../lib';
import { SCOPES } from '../auth';
import { Problem } from '../problem';
import { defineRoute, type RouteGroup } from '../route';

/** Payloads as the protocol carries them: metadata values and data in base64. */
const base64 = z.string().max(4 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(1000),
}).strict();
const namespaceHeader = z.object({ 'x-namespace': z.string().optional() });

export interface CodecRoutesOptions {
  keys: PayloadKeyring;
  /** The only namespace whose payloads this server decodes. */
  namespace: string;
}

type WirePayload = z.output<typeof payloadsBody>['payloads'][number];
const fromWire = (p: WirePayload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toWire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export function codecRoutes(options: CodecRoutesOptions): RouteGroup {
  const codec = new EncryptionCodec(options.keys);
  const checkNamespace = (header: string | undefined) => {
    if (header !== undefined && header !== options.namespace) {
      throw new Problem(403, 'wrong-namespace', 'Not this namespace', `this codec server decodes payloads of namespace "${options.namespace}" only, not "${header}"`);
    }
  };
  const route = (operation: 'encode' | 'decode', summary: string) => defineRoute({
    method: 'post', path: `/codec/${operation}`, operationId: `codec${operation[0]!.toUpperCase()}${operation.slice(1)}`, summary, tags: ['codec'],
    scopes: [SCOPES.auditRead],
    body: payloadsBody,
    headers: namespaceHeader,
    responses: {
      200: { description: 'The payloads, in the same order' },
      400: { description: 'Not the codec protocol\'s body' },
      403: { description: 'The token lacks audit:read, or another namespace' },
      422: { description: 'A payload cannot be decrypted (unknown key id, altered)' },
    },
    async handler({ body, headers }) {
      checkNamespace(headers['x-namespace']);
      try {
        const out = await codec[operation](body.payloads.map(fromWire));
        return { status: 200, body: { payloads: out.map(toWire) }, headers: { 'cache-control': 'no-store' } };
      } catch (error) {
        if (error instanceof PayloadCodecError) throw new Problem(422, 'undecodable-payload', 'Payload cannot be decoded', error.message);
        throw error;
      }
    },
  });
  return {
    name: 'codec',
    description: 'Temporal codec server: decode (and encode) workflow payloads for the Temporal UI and CLI; needs audit:read',
    routes: [route('decode', 'Decrypt workflow payloads'), route('encode', 'Encrypt workflow payloads')],
  };
}

/** The request headers the Temporal UI's codec client sends (ui: src/lib/services/data-encoder.ts). */
export const CODEC_REQUEST_HEADERS = 'authorization, authorization-extras, content-type, x-namespace';

/**
 * CORS for the Temporal UI (a browser on another origin) on /codec, and a body limit that fits
 * history payloads. Only the listed origins are answered; credentials (the bearer token) allowed.
 */
export function codecMiddleware(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  const router = Router();
  router.use('/codec', (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      // The UI sends these (passAccessToken adds the ID token as Authorization-Extras, which the API ignores).
      res.setHeader('access-control-allow-headers', CODEC_REQUEST_HEADERS);
      res.setHeader('access-control-max-age', '600');
      res.vary('origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && allowed.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  }, express.json({ limit: '8mb', strict: true }));
  return router;
}

/** GATEHOUSE_CODEC_CORS_ORIGINS: origins of the Temporal UI, comma or space separated. */
export function codecCorsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const origin of origins) {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`GATEHOUSE_CODEC_CORS_ORIGINS: "${origin}" is not an origin (https://temporal-ui.example.org)`);
    }
    if (url.origin !== origin || origin === '*') throw new Error(`GATEHOUSE_CODEC_CORS_ORIGINS: "${origin}" is not an origin; write scheme://host[:port] without a path`);
  }
  return origins;
}
