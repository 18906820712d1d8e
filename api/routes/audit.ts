// The audit routes (audit:read): a request's evidence, its session replay, the evidence pack for
// a period, the archive public key (the browser console is api/console/). `auditRoutesFromEnv` builds
// them from the same environment the worker's archiver reads (see audit/settings.ts).
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import {
  ArchiveConfigError, archiveSettingsFromEnv, createArchiveStore, freeTextMasker, archiveSigningKey, archiveVerifyKey, AuditReader, HistoryError, keyId, publicKeyPem, TemporalHistory,
} from '../../audit';
import type { GatehouseConfig } from '../../policy';
import { isRequestId, stateDir } from '../../lib';
import { SCOPES } from '../auth';
import { Problem } from '../problem';
import { defineRoute, type RouteGroup } from '../route';

export interface AuditRoutesOptions {
  reader: AuditReader;
  /** The archive public key, published so anyone can verify archives and evidence packs. Read when first needed. */
  publicKey: () => KeyObject;
  /** Signs evidence packs, when the API holds the archive key (else packs list file digests unsigned). */
  signingKey?: () => KeyObject | undefined;
  /** Longest period one export may cover (default 366 days). */
  maxExportMs?: number;
}

const idParams = z.strictObject({ id: z.string().refine(isRequestId, 'a request id looks like req_ followed by 20 letters and digits') });
const instant = z.string().transform((value, ctx) => {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a date: write 2026-01-31 (midnight UTC) or an ISO time` });
    return z.NEVER;
  }
  return date;
});
const exportQuery = z.strictObject({ from: instant, to: instant });
const recordingQuery = z.strictObject({ events: z.enum(['true', 'false']).optional() });

const verificationSchema = z.looseObject({ ok: z.boolean(), head: z.string(), records: z.number(), problems: z.array(z.looseObject({ kind: z.string(), message: z.string() })) });
const viewSchema = z.looseObject({
  requestId: z.string(), workflowStatus: z.string(), status: z.looseObject({}), commands: z.array(z.looseObject({})).nullable(),
  archive: z.looseObject({ location: z.string(), head: z.string() }).nullable(), verification: verificationSchema.nullable(), note: z.string().nullable(),
});
const recordingSchema = z.looseObject({ requestId: z.string(), steps: z.array(z.looseObject({ step: z.number(), at: z.string(), offsetMs: z.number() })).nullable(), verification: verificationSchema.nullable(), note: z.string().nullable() });
const exportSchema = z.looseObject({ summary: z.looseObject({ requests: z.number() }), files: z.record(z.string(), z.string()) });

function unavailable(error: unknown): never {
  if (error instanceof ArchiveConfigError) throw new Problem(503, 'audit-unavailable', 'Audit unavailable', error.message);
  // A running request whose worker does not answer: no pack rather than one silently missing it.
  if (error instanceof HistoryError && error.code === 'UNREADABLE') throw new Problem(503, 'request-unreadable', 'A request cannot be read', error.message);
  throw error;
}

function key<T>(get: () => T): T {
  try {
    return get();
  } catch (error) {
    return unavailable(error);
  }
}

async function orNotFound<T>(id: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof HistoryError && error.code === 'NOT_FOUND') throw new Problem(404, 'not-found', 'Not found', `no access request ${id}`);
    return unavailable(error);
  }
}

export function auditRoutes(options: AuditRoutesOptions): RouteGroup {
  const { reader } = options;
  const maxExportMs = options.maxExportMs ?? 366 * 86_400_000;
  return {
    name: 'audit',
    description: 'Tamper-evident archives: a request\'s evidence, its session, evidence packs',
    routes: [
      defineRoute({
        method: 'get', path: '/v1/audit/requests/:id', operationId: 'getAuditRequest', tags: ['audit'],
        summary: 'Who asked, why, who decided, the credential\'s life, every command with what was masked, and the archive\'s verification',
        scopes: [SCOPES.auditRead], params: idParams,
        responses: { 200: { description: 'The request with its verified archive', schema: viewSchema } },
        handler: async ({ params }) => ({ status: 200, body: await orNotFound(params.id, () => reader.view(params.id)), headers: { 'cache-control': 'no-store' } }),
      }),
      defineRoute({
        method: 'get', path: '/v1/audit/requests/:id/recording', operationId: 'getAuditRecording', tags: ['audit'],
        summary: 'The session step by step with timestamps (events=true adds the lifecycle events)',
        scopes: [SCOPES.auditRead], params: idParams, query: recordingQuery,
        responses: { 200: { description: 'Replay steps from the verified archive', schema: recordingSchema } },
        handler: async ({ params, query }) => ({
          status: 200, body: await orNotFound(params.id, () => reader.recording(params.id, { includeEvents: query.events === 'true' })), headers: { 'cache-control': 'no-store' },
        }),
      }),
      defineRoute({
        method: 'get', path: '/v1/audit/export', operationId: 'exportAuditEvidence', tags: ['audit'],
        summary: 'Evidence pack for [from, to): CSV and JSON of every request, decision, command and archive digest, plus a verification report',
        scopes: [SCOPES.auditRead], query: exportQuery,
        description: 'A request of the period whose status cannot be read (a running one whose worker is gone or does not answer) is listed from what Temporal visibility holds, with the reason, in unreadable.csv and marked UNREADABLE in the other files, and counted in summary.unreadable and the signed manifest: the pack is never refused for it.',
        responses: { 200: { description: 'The pack: a summary and its files by name', schema: exportSchema } },
        handler: async ({ query }) => {
          if (query.to <= query.from) throw new Problem(400, 'bad-period', 'Bad period', `"to" (${query.to.toISOString()}) must be after "from" (${query.from.toISOString()})`);
          if (query.to.getTime() - query.from.getTime() > maxExportMs) {
            throw new Problem(400, 'period-too-long', 'Period too long', `one export covers at most ${Math.round(maxExportMs / 86_400_000)} days; split the period`);
          }
          const pack = await reader.export(query.from, query.to, options.signingKey ? key(options.signingKey) : undefined).catch(unavailable);
          return { status: 200, body: pack, headers: { 'cache-control': 'no-store' } };
        },
      }),
      defineRoute({
        method: 'get', path: '/v1/audit/public-key', operationId: 'getArchivePublicKey', tags: ['audit'], public: true,
        summary: 'The Ed25519 public key archives and evidence packs are signed with',
        responses: { 200: { description: 'Key id and SPKI PEM', schema: z.object({ keyId: z.string(), algorithm: z.literal('Ed25519'), publicKey: z.string() }) } },
        handler: () => {
          const publicKey = key(options.publicKey);
          return { status: 200, body: { keyId: keyId(publicKey), algorithm: 'Ed25519', publicKey: publicKeyPem(publicKey) } };
        },
      }),
      defineRoute({
        method: 'get', path: '/audit', operationId: 'auditPage', tags: ['audit'], public: true,
        summary: 'The audit console moved to /console (sign in with the OpenID provider; no token to paste)',
        responses: { 308: { description: 'Redirect to /console' } },
        handler: ({ res }) => {
          res.redirect(308, '/console');
        },
      }),
    ],
  };
}

/** The audit reader and keys configured like the worker's archiver: store, keys, Temporal history, PHI masking of free text. */
export function auditReaderFromEnv(env: NodeJS.ProcessEnv, client: Client, config: Pick<GatehouseConfig, 'targets'> = { targets: [] }): Pick<AuditRoutesOptions, 'reader' | 'publicKey' | 'signingKey'> {
  const settings = archiveSettingsFromEnv(env, { folder: stateDir('archives') });
  const store = createArchiveStore(settings.store);
  const keys = stateDir('keys');
  let verifyKey: KeyObject | undefined;
  const publicKey = () => (verifyKey ??= archiveVerifyKey(env, keys).key);
  const signingKey = () => {
    try {
      return archiveSigningKey(env, keys, { create: false }).key;
    } catch {
      return undefined;
    }
  };
  const reader = new AuditReader({ history: new TemporalHistory(client), store, verifyKey: publicKey, maskFreeText: freeTextMasker(config) });
  return { reader, publicKey, signingKey };
}

/** The audit routes configured like the worker's archiver. */
export function auditRoutesFromEnv(env: NodeJS.ProcessEnv, client: Client, config: Pick<GatehouseConfig, 'targets'> = { targets: [] }): RouteGroup {
  return auditRoutes(auditReaderFromEnv(env, client, config));
}
