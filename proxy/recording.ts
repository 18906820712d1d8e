import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * What the gateway writes to the session recording (one Redis Stream per access request; the
 * audit/ SessionRecorder implements it). Every method resolves once the entry is stored, or
 * rejects — and then the gateway refuses the exchange ("no access without a record").
 * Entries never carry the grant token, the credential or unmasked PHI.
 */
export interface GatewayRecorder {
  sessionStart(requestId: string, entry: SessionStartEntry): Promise<unknown>;
  /** Before the request is forwarded, held or refused. */
  request(requestId: string, entry: RequestEntry): Promise<unknown>;
  /** The masked response, before it is returned. */
  response(requestId: string, entry: ResponseEntry): Promise<unknown>;
  sessionEnd(requestId: string, entry: SessionEndEntry): Promise<unknown>;
}

export interface MaskedCount { type: string; count: number }

export interface SessionStartEntry {
  sessionId: string;
  grantId: string;
  subject: string;
  target: string;
  client?: { name: string; version?: string };
  transport?: 'streamable-http';
}

export interface RequestEntry {
  sessionId: string;
  messageId: RequestId | null;
  method: string;
  tool?: string;
  arguments?: Record<string, unknown>;
  classes?: string[];
  verdict: 'allow' | 'hold' | 'deny';
  commandId?: string;
  reason?: string;
  masked?: MaskedCount[];
}

export interface ResponseEntry {
  sessionId: string;
  messageId: RequestId | null;
  outcome: 'ok' | 'error' | 'denied' | 'withheld';
  result?: unknown;
  error?: { code: number; message: string };
  masked?: MaskedCount[];
  rows?: number;
  durationMs?: number;
}

export interface SessionEndEntry {
  sessionId: string;
  reason: 'closed' | 'revoked' | 'expired' | 'error';
  detail?: string;
}
