import { EXIT } from '../exit-codes';
import { ACCESS_EXIT, CommandFailure } from '../exit-codes';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
}

/** The API answered with an error (problem+json). */
export class ApiProblem extends CommandFailure {
  constructor(readonly problem: Problem) {
    super(exitCodeFor(problem), problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiProblem';
  }
}

/** What a script can rely on: auth 4, not found 5, bad input 2, refusals 1, outages 7. */
export function exitCodeFor(problem: Problem): number {
  const kind = problem.type?.split('/').pop() ?? '';
  if (problem.status === 401 || kind === 'insufficient-scope') return ACCESS_EXIT.auth;
  if (problem.status === 404) return ACCESS_EXIT.notFound;
  if (problem.status === 400 || problem.status === 413 || problem.status === 415) return EXIT.usage;
  if (problem.status >= 500) return ACCESS_EXIT.unavailable;
  return EXIT.failed;
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: (scopes: string[]) => Promise<string>,
  ) {}

  async call<T>(method: 'GET' | 'POST', path: string, options: { scopes: string[]; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal }): Promise<T> {
    const bearer = await this.token(options.scopes);
    const url = new URL(path, this.baseUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: 'application/json, application/problem+json',
          authorization: `Bearer ${bearer}`,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: options.signal,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CommandFailure(ACCESS_EXIT.unavailable, `cannot reach the Gatehouse API at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}); check GATEHOUSE_API_URL`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const problem = (body && typeof body === 'object' ? body : {}) as Partial<Problem>;
      throw new ApiProblem({ ...problem, status: response.status, detail: problem.detail ?? (text.slice(0, 200) || response.statusText) });
    }
    return body as T;
  }
}
