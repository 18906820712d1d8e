import { z } from 'zod';
import { parseDuration } from '../../lib';
import { requestStates } from '../../workflows';

// The shapes of the access-request routes. They validate requests and generate the OpenAPI
// document (api/openapi.ts), so they are the single source of truth.

const duration = z
  .string()
  .max(20)
  .describe('a duration like "90s", "30m", "8h" or "2d"')
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const text = (what: string, max: number) => z.string().trim().min(1, `${what} must not be empty`).max(max);

export const requestIdParams = z.strictObject({
  id: z.string().regex(/^req_[a-z0-9]{20}$/, 'is not a request id (req_ followed by 20 lowercase letters and digits)').describe('the access request id'),
});

export const newAccessRequestBody = z.strictObject({
  target: z.string().min(1).max(63).describe('the target name from gatehouse.yaml'),
  duration,
  reason: text('reason', 1000).describe('why access is needed; the approvers read it'),
  ticket: text('ticket', 200).optional().describe('a ticket reference, e.g. INC-1234'),
});

export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional()
    .describe('the same key with the same body returns the same answer and starts nothing new'),
});

/** Query numbers arrive as strings. */
const queryInt = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

export const statusQuery = z.strictObject({
  wait: queryInt(0, 60).optional().describe('long-poll: wait up to this many seconds for the state to change'),
  since: z.enum(requestStates).optional().describe('with wait: the state the caller last saw (default: the state when the call arrives)'),
});

export const listQuery = z.strictObject({
  target: z.string().min(1).max(63).optional(),
  requester: z.string().min(1).max(320).optional(),
  state: z.enum(requestStates).optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('started at or after (RFC 3339)'),
  to: z.iso.datetime({ offset: true }).optional().describe('started before (RFC 3339)'),
  limit: queryInt(1, 500).optional(),
});

export const approveBody = z.strictObject({});
export const reasonBody = z.strictObject({ reason: text('reason', 1000) });
export const extendBody = z.strictObject({ duration, reason: text('reason', 1000) });
export const extensionDecisionBody = z.strictObject({
  approved: z.boolean(),
  reason: text('reason', 1000).optional(),
});

const links = z.record(z.string(), z.string()).describe('related URLs, relative to the API root');

export const acceptedResponse = z.object({
  id: z.string(),
  state: z.enum(requestStates),
  target: z.string(),
  links,
});

export const grantResponse = z.object({
  mcpUrl: z.string().describe('the MCP endpoint (Streamable HTTP) of the gateway for this target'),
  token: z.string().describe('the opaque grant token; send it as "Authorization: Bearer <token>". Shown only to the requester while the grant is active'),
  expiresAt: z.string(),
  mcpConfig: z.record(z.string(), z.unknown()).describe('a ready-to-paste MCP client configuration ({"mcpServers": ...})'),
});

export const statusResponse = z.object({
  id: z.string(),
  state: z.enum(requestStates),
  target: z.string(),
  requester: z.string(),
  origin: z.enum(['slack', 'api', 'oauth']).describe('where the request was asked: Slack, this API, or an OAuth sign-in from an MCP client at the gateway'),
  client: z.object({
    clientId: z.string(),
    kind: z.enum(['preregistered', 'metadata_document', 'dynamic']),
    name: z.string().describe('set in gatehouse.yaml when preregistered; otherwise only what the client claims'),
    nameVerified: z.boolean(),
    verified: z.string().describe('what Gatehouse checked about the client itself'),
    redirectOrigin: z.string(),
    impersonates: z.string().optional().describe('the preregistered client (or Gatehouse) whose name the claimed name looks like'),
  }).optional().describe('origin oauth: the MCP client the requester signed in with'),
  reason: z.string(),
  ticket: z.string().optional(),
  durationMs: z.number(),
  requestedAt: z.string().describe('when Gatehouse accepted the request (the 202), by its own clock'),
  startedAt: z.string().optional().describe('when its workflow first ran; later than requestedAt when the workers were busy'),
  decision: z.object({ approved: z.boolean(), by: z.string(), at: z.string(), reason: z.string().optional() }).optional(),
  activeSince: z.string().optional(),
  expiresAt: z.string().optional(),
  revocation: z.object({ by: z.string(), reason: z.string(), at: z.string() }).optional(),
  failure: z.string().optional(),
  approversNotAsked: z.object({ at: z.string(), reason: z.string().describe("why, with Slack's error") }).optional()
    .describe('Slack refused the approval request: nobody was asked, so it expires unapproved unless withdrawn (POST …/revoke) and asked again'),
  archive: z.object({ digest: z.string(), location: z.string() }).optional(),
  extensions: z.array(z.object({ requestedBy: z.string(), requestedAt: z.string(), durationMs: z.number(), reason: z.string(), outcome: z.string() })),
  timeline: z.array(z.object({ at: z.string(), type: z.string(), actor: z.string().optional(), detail: z.string().optional(), client: z.string().optional().describe('oauth_* steps: the client_id') })),
  grant: grantResponse.optional(),
  links,
});

export const messageResponse = z.object({ id: z.string(), state: z.enum(requestStates), detail: z.string() });

export const listResponse = z.object({
  items: z.array(z.object({
    id: z.string(),
    target: z.string().optional(),
    requester: z.string().optional(),
    state: z.string().optional(),
    startedAt: z.string(),
    links,
  })),
});
