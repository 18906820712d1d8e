import express, { type Express, type RequestHandler } from 'express';
import type { Logger } from '../lib';
import type { TokenVerifier } from './auth';
import { buildOpenApiDocument } from './openapi';
import { Problem, problemHandler } from './problem';
import { defineRoute, mountRoute, type RouteGroup } from './route';

export interface ApiAppOptions {
  verifier: TokenVerifier;
  log: Logger;
  /** Route groups (accessRoutes(...), and later audit routes); each is mounted and documented. */
  routes: RouteGroup[];
  /** Largest JSON body accepted (default 16 KiB). */
  bodyLimitBytes?: number;
  /** Run before the body parser (the codec server's CORS and its larger body limit). */
  middleware?: RequestHandler[];
  /** For the OpenAPI document. */
  issuer?: string;
  publicUrl?: string;
  version?: string;
}

/**
 * The REST API as an Express app: health and the OpenAPI document are public; every other route
 * comes from a route group, needs a bearer token with its scopes, and answers errors as
 * application/problem+json.
 */
export function createApiApp(options: ApiAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  const openapi: { document?: Record<string, unknown> } = {};
  const meta: RouteGroup = {
    name: 'meta',
    description: 'Health and this document',
    routes: [
      defineRoute({
        method: 'get', path: '/healthz', operationId: 'health', summary: 'Liveness', public: true,
        responses: { 200: { description: 'The API is running' } },
        handler: () => ({ status: 200, body: { status: 'ok' } }),
      }),
      defineRoute({
        method: 'get', path: '/v1/openapi.json', operationId: 'openapi', summary: 'This OpenAPI 3.1 document', public: true,
        responses: { 200: { description: 'The OpenAPI document' } },
        handler: () => ({ status: 200, body: openapi.document }),
      }),
    ],
  };
  const groups = [meta, ...options.routes];
  const names = new Set<string>();
  for (const group of groups) {
    if (names.has(group.name)) throw new Error(`two route groups are named "${group.name}"`);
    names.add(group.name);
  }
  openapi.document = buildOpenApiDocument(groups, { issuer: options.issuer, serverUrl: options.publicUrl, version: options.version ?? '1.0.0' });

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const principal = res.locals.principal as { subject?: string } | undefined;
      // Method, path and outcome only: never headers (tokens) or bodies.
      options.log.info({
        method: req.method, path: req.path, status: res.statusCode, subject: principal?.subject,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      }, 'api request');
    });
    next();
  });
  for (const handler of options.middleware ?? []) app.use(handler);
  app.use(express.json({ limit: options.bodyLimitBytes ?? 16 * 1024, strict: true, type: ['application/json', 'application/*+json'] }));

  const router = express.Router({ strict: false, caseSensitive: true });
  for (const group of groups) for (const route of group.routes) mountRoute(router, route, options.verifier);
  app.use(router);

  app.use((req) => {
    throw new Problem(404, 'not-found', 'Not found', `there is no ${req.method} ${req.path}; see /v1/openapi.json for the routes`);
  });
  app.use(problemHandler(options.log));
  return app;
}
