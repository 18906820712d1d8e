import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializedNotification, isJSONRPCResultResponse, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * The client side of Streamable HTTP towards an upstream MCP server, on node:http with a
 * keep-alive agent (the SDK's transport goes through fetch and web streams, which cost the gateway
 * more CPU per call than the rest of its work together). It moves messages and nothing else:
 * POST each message, read a JSON or SSE answer, keep the session id and protocol version, listen
 * on GET for server-initiated messages, DELETE the session on close.
 */
export class NodeHttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  sessionId?: string;
  private protocolVersion?: string;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;
  private listening?: IncomingMessage;
  private closed = false;

  constructor(private readonly url: URL, private readonly headers: Record<string, string> = {}) {
    const secure = url.protocol === 'https:';
    this.agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.request = secure ? httpsRequest : httpRequest;
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the upstream connection is closed');
    const body = JSON.stringify(message);
    const res = await this.call('POST', { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(Buffer.byteLength(body)) }, body);
    const sessionId = res.headers['mcp-session-id'];
    if (typeof sessionId === 'string') this.sessionId = sessionId;
    if (res.statusCode === 202) {
      res.resume();
      if (isInitializedNotification(message)) this.listen();
      return;
    }
    if (!res.statusCode || res.statusCode >= 300) {
      const text = await readAll(res);
      throw new Error(`the upstream answered HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
    }
    const type = String(res.headers['content-type'] ?? '');
    if (type.includes('text/event-stream')) {
      void this.readEvents(res);
      return;
    }
    const text = await readAll(res);
    if (!text) return;
    try {
      const parsed = JSON.parse(text) as JSONRPCMessage | JSONRPCMessage[];
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.deliver(m);
    } catch (error) {
      this.onerror?.(new Error(`the upstream sent a body that is not JSON: ${(error as Error).message}`));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listening?.destroy();
    if (this.sessionId) {
      await this.call('DELETE', {}).then((res) => res.resume(), () => undefined);
    }
    this.agent.destroy();
    this.onclose?.();
  }

  private deliver(message: JSONRPCMessage): void {
    if (isJSONRPCResultResponse(message)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') this.protocolVersion = version;
    }
    this.onmessage?.(message);
  }

  /** The GET stream for messages the upstream starts (notifications, sampling, elicitation). */
  private listen(): void {
    this.call('GET', { accept: 'text/event-stream' }).then((res) => {
      if (res.statusCode !== 200) {
        res.resume(); // 405: the upstream offers no such stream
        return;
      }
      this.listening = res;
      void this.readEvents(res);
    }, (error: unknown) => this.onerror?.(error as Error));
  }

  private async readEvents(res: IncomingMessage): Promise<void> {
    let buffer = '';
    let data: string[] = [];
    try {
      res.setEncoding('utf8');
      for await (const chunk of res as AsyncIterable<string>) {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, '');
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (data.length) {
              const payload = data.join('\n');
              data = [];
              try {
                this.deliver(JSON.parse(payload) as JSONRPCMessage);
              } catch (error) {
                this.onerror?.(new Error(`the upstream sent an event that is not JSON: ${(error as Error).message}`));
              }
            }
          } else if (line.startsWith('data:')) {
            data.push(line.slice(line[5] === ' ' ? 6 : 5));
          }
        }
      }
    } catch (error) {
      if (!this.closed) this.onerror?.(error as Error);
    }
  }

  private call(method: string, headers: Record<string, string>, body?: string): Promise<IncomingMessage> {
    const options: RequestOptions = {
      method,
      agent: this.agent,
      headers: {
        ...this.headers,
        ...headers,
        ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
        ...(this.protocolVersion ? { 'mcp-protocol-version': this.protocolVersion } : {}),
      },
    };
    return new Promise((resolve, reject) => {
      const req = this.request(this.url, options, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
