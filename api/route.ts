import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { authenticate, principalOf, requireScope, type Principal, type Scope, type TokenVerifier } from './auth';
import { fromZodError, Problem } from './problem';

type AnyObject = z.ZodObject<z.ZodRawShape>;
/** The schema of a request part a route does not take. */
type Nothing = z.ZodObject<Record<string, never>>;

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Default application/json; a handler that streams something else writes to `res` itself. */
  contentType?: string;
}

export interface HandlerInput<P extends AnyObject, Q extends AnyObject, B extends z.ZodType, H extends AnyObject> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  headers: z.output<H>;
  /** Undefined only on public routes. */
  principal: Principal;
  req: Request;
  res: Response;
}

export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One API operation: its schemas validate the request and also generate the OpenAPI document,
 * so the two cannot drift apart.
 */
export interface RouteDefinition<
  P extends AnyObject = AnyObject,
  Q extends AnyObject = AnyObject,
  B extends z.ZodType = z.ZodType,
  H extends AnyObject = AnyObject,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path, e.g. "/v1/access-requests/:id". */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** The caller needs one of these scopes; `public: true` routes need no token at all. */
  scopes?: Scope[];
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  headers?: H;
  responses: Record<number, RouteResponse>;
  /** Returns the JSON answer, or writes to `res` itself (downloads, streams) and returns nothing. */
  handler(input: HandlerInput<P, Q, B, H>): Promise<HandlerResult | void> | HandlerResult | void;
}

/** Keeps a route's schema types attached to its handler. */
export function defineRoute<
  P extends AnyObject = Nothing,
  Q extends AnyObject = Nothing,
  B extends z.ZodType = z.ZodUndefined,
  H extends AnyObject = Nothing,
>(route: RouteDefinition<P, Q, B, H>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** A set of routes that belong together (access requests, audit, ...), registered in one place. */
export interface RouteGroup {
  name: string;
  description?: string;
  routes: RouteDefinition[];
}

function parsePart<T extends z.ZodType>(schema: T | undefined, value: unknown, part: 'body' | 'query' | 'params' | 'headers'): unknown {
  if (!schema) return part === 'body' ? undefined : {};
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error, part);
  return result.data;
}

function hasBody(req: Request): boolean {
  return Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
}

export function mountRoute(router: Router, route: RouteDefinition, verifier: TokenVerifier): void {
  const chain: RequestHandler[] = [];
  if (!route.public) {
    if (!route.scopes?.length) throw new Error(`route ${route.operationId} must name its scopes or be public`);
    chain.push(authenticate(verifier), requireScope(...route.scopes));
  }
  chain.push(async (req, res) => {
    let rawBody: unknown = req.body;
    if (route.body) {
      if (hasBody(req) && !req.is('application/json')) {
        throw new Problem(415, 'unsupported-media-type', 'Unsupported media type', 'send the request body as application/json');
      }
      if (rawBody === undefined) rawBody = {};
    } else if (hasBody(req) && rawBody !== undefined && !(typeof rawBody === 'object' && rawBody !== null && Object.keys(rawBody).length === 0)) {
      throw new Problem(400, 'unexpected-body', 'Unexpected body', `${route.method.toUpperCase()} ${route.path} takes no request body`);
    }
    const input = {
      params: parsePart(route.params, req.params, 'params'),
      query: parsePart(route.query, { ...req.query }, 'query'),
      body: parsePart(route.body, rawBody, 'body'),
      headers: parsePart(route.headers, req.headers, 'headers'),
      principal: route.public ? (undefined as unknown as Principal) : principalOf(res),
      req,
      res,
    } as HandlerInput<AnyObject, AnyObject, z.ZodType, AnyObject>;
    const result = await route.handler(input);
    if (res.headersSent) return;
    if (!result) throw new Error(`route ${route.operationId} neither answered nor returned a result`);
    for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
    res.status(result.status).json(result.body);
  });
  router[route.method](route.path, ...chain);
}
