import type { ErrorRequestHandler, Response } from 'express';
import { z } from 'zod';
import { AccessError, type AccessErrorCode } from '../access';
import type { Logger } from '../lib';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://gatehouse.dev/problems/';

/** One field-level complaint inside a problem (`errors[]`): where, and what is wrong. */
export interface FieldError {
  /** JSON Pointer into the request part, e.g. "/body/duration". */
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem that a route throws; the error handler renders it. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

export const problemSchema = z
  .looseObject({
    type: z.string().describe('a URI naming the kind of problem'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().describe('what was wrong and what to do next'),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .describe('RFC 9457 problem details');

const ACCESS_STATUS: Record<AccessErrorCode, [number, string]> = {
  invalid: [400, 'Invalid request'],
  forbidden: [403, 'Not allowed by policy'],
  not_found: [404, 'Not found'],
  rejected: [409, 'Rejected by the access workflow'],
  unavailable: [503, 'A service Gatehouse needs did not answer'],
};

export function fromAccessError(error: AccessError): Problem {
  if (error.code === 'unavailable' && error.component === 'worker') {
    return new Problem(503, 'worker-unavailable', 'Gatehouse worker did not answer', error.message, { headers: { 'Retry-After': '5' } });
  }
  if (error.code === 'unavailable' && error.component === 'temporal') {
    return new Problem(503, 'workflow-service-unavailable', 'Workflow service unavailable', error.message, { headers: { 'Retry-After': '5' } });
  }
  const [status, title] = ACCESS_STATUS[error.code];
  return new Problem(status, error.code === 'rejected' ? 'rejected' : error.code.replace('_', '-'), title, error.message);
}

export function fromZodError(error: z.ZodError, part: 'body' | 'query' | 'params' | 'headers'): Problem {
  const errors = error.issues.map((issue) => ({
    pointer: `/${part}${issue.path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`,
    detail: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  const detail = errors.map((e) => `${e.pointer}: ${e.detail}`).join('; ');
  return new Problem(400, 'validation', `Invalid request ${part}`, detail, { errors });
}

export function sendProblem(res: Response, problem: Problem, instance?: string): void {
  const { headers, ...extra } = problem.extra;
  for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
  res
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({
      type: TYPE_BASE + problem.kind,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(instance ? { instance } : {}),
      ...extra,
    }));
}

/** body-parser's errors carry `type` and `status`; map the ones a client can fix. */
function fromBodyParserError(error: { type?: string; status?: number; message?: string; limit?: number }): Problem | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new Problem(400, 'malformed-json', 'Malformed JSON', `the request body is not valid JSON (${error.message})`);
    case 'entity.too.large':
      return new Problem(413, 'too-large', 'Request body too large', `the request body is larger than the ${error.limit} bytes this API accepts`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new Problem(415, 'unsupported-media-type', 'Unsupported encoding', error.message ?? 'unsupported body encoding');
    case 'request.aborted':
      return new Problem(400, 'aborted', 'Request aborted', 'the client closed the connection before the body arrived');
    default:
      return undefined;
  }
}

/** The last middleware: every error becomes problem+json; unexpected ones are logged, not shown. */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    let problem: Problem | undefined;
    if (error instanceof Problem) problem = error;
    else if (error instanceof AccessError) problem = fromAccessError(error);
    else if (error && typeof error === 'object' && 'type' in error) problem = fromBodyParserError(error as never);
    else if ((error as { name?: string })?.name === 'ServiceError') {
      // Temporal could not be reached or refused the call: nothing happened, the client may retry.
      log.warn({ err: (error as Error).message, method: req.method, path: req.path }, 'workflow service unavailable');
      // (A query no worker answered in time arrives as an AccessError naming the worker: AccessClient.status.)
      problem = new Problem(503, 'workflow-service-unavailable', 'Workflow service unavailable', 'the workflow service (Temporal) did not answer; nothing was changed, try again shortly', {
        headers: { 'Retry-After': '5' },
      });
    }
    if (!problem) {
      log.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message, stack: (error as Error)?.stack }, method: req.method, path: req.path }, 'request failed');
      problem = new Problem(500, 'internal', 'Internal error', 'the request could not be completed; it has been logged, try again later');
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendProblem(res, problem, req.originalUrl.split('?')[0]);
  };
}
