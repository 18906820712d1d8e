import { randomUUID } from 'node:crypto';
import { isInitializeRequest, isJSONRPCErrorResponse, isJSONRPCResultResponse, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/server';
import type { SessionStartEntry } from './recording';
import type { SessionRecord } from './session-directory';

/** What a gateway carries on when it takes over a session: its id and the client's initialize. */
export interface ResumedSession {
  sessionId: string;
  /** The client's initialize params, as it sent them when the session began. */
  initialize: Record<string, unknown>;
}

/**
 * The initialize handshake with a re-opened upstream, on the gateway's own request id: the
 * client's original params go up, the answer stays in the gateway (the client negotiated long
 * ago), then `notifications/initialized`. Anything else the upstream says meanwhile is dropped.
 * Rejects when the upstream refuses or does not answer in time.
 */
export async function reinitializeUpstream(upstream: Transport, initialize: Record<string, unknown>, timeoutMs: number): Promise<void> {
  const id = `gatehouse-resume-${randomUUID()}`;
  const answered = new Promise<JSONRPCMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the upstream MCP server did not answer initialize within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    upstream.onmessage = (message) => {
      if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id === id) {
        clearTimeout(timer);
        resolve(message);
      }
    };
  });
  await upstream.send({ jsonrpc: '2.0', id, method: 'initialize', params: initialize });
  const answer = await answered;
  if (isJSONRPCErrorResponse(answer)) throw new Error(`the upstream MCP server refused initialize: ${answer.error.message}`);
  await upstream.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

/** The params of the initialize request in a POST body (one message or a batch); {} when there is none. */
export function initializeParams(body: unknown): Record<string, unknown> {
  const messages = Array.isArray(body) ? body : [body];
  const initialize = messages.find((m): m is { params: Record<string, unknown> } => isInitializeRequest(m));
  return initialize ? { ...initialize.params } : {};
}

/** The recording's entry for a session carried on by this gateway: the same session, marked resumed. */
export function resumedStart(record: SessionRecord): SessionStartEntry {
  const clientInfo = record.initialize.clientInfo as { name?: unknown; version?: unknown } | undefined;
  return {
    sessionId: record.sessionId, grantId: record.grantId, subject: record.subject, target: record.target, transport: 'streamable-http', resumed: true,
    ...(clientInfo && typeof clientInfo.name === 'string'
      ? { client: { name: clientInfo.name, ...(typeof clientInfo.version === 'string' ? { version: clientInfo.version } : {}) } }
      : {}),
  };
}
