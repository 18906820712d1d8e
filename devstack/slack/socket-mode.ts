import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SlackWorkspace } from './workspace';

/**
 * Socket Mode for the local Slack (https://docs.slack.dev/apis/events-api/using-socket-mode):
 * `apps.connections.open` (app-level token, connections:write) answers a ws:// URL; the app
 * connects, gets `hello`, then envelopes
 *   { envelope_id, type: 'slash_commands' | 'interactive', payload, accepts_response_payload }
 * which it acks with { envelope_id, payload? }. The WebSocket protocol (RFC 6455) is spoken here
 * directly, text frames, ping/pong and close only: enough for the official client, with no
 * further dependency.
 */

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface SocketAck {
  /** What the app acked with (`ack(body)`); undefined for a bare ack. */
  payload?: Record<string, unknown>;
  elapsedMs: number;
}

class SocketConnection {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private readonly pinger: NodeJS.Timeout;
  closed = false;

  constructor(private readonly socket: Duplex, private readonly onText: (text: string) => void, onClose: () => void) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const end = () => {
      if (this.closed) return;
      this.closed = true;
      clearInterval(this.pinger);
      onClose();
    };
    socket.on('close', end);
    socket.on('error', end);
    // Slack pings; the official client gives up on a server that stays silent for 30 s.
    this.pinger = setInterval(() => this.frame(OP.ping, Buffer.from('local')), 10_000);
    this.pinger.unref();
  }

  sendText(text: string): void {
    this.frame(OP.text, Buffer.from(text, 'utf8'));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.frame(OP.close, body);
    this.socket.end();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    const length = payload.length;
    const head = length < 126 ? Buffer.alloc(2) : length < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
    head[0] = 0x80 | opcode;
    if (length < 126) head[1] = length;
    else if (length < 65_536) {
      head[1] = 126;
      head.writeUInt16BE(length, 2);
    } else {
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(Buffer.concat([head, payload]));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const b0 = this.buffer[0]!;
      const b1 = this.buffer[1]!;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + length;
      if (this.buffer.length < total) return;
      const mask = masked ? this.buffer.subarray(offset, offset + 4) : undefined;
      const payload = Buffer.from(this.buffer.subarray(offset + (masked ? 4 : 0), total));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      this.buffer = this.buffer.subarray(total);
      this.handle(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
    }
  }

  private handle(opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode === OP.ping) return this.frame(OP.pong, payload);
    if (opcode === OP.pong) return;
    if (opcode === OP.close) {
      this.frame(OP.close, payload.subarray(0, 2));
      this.socket.end();
      return;
    }
    if (opcode === OP.text || opcode === OP.continuation) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString('utf8');
      this.fragments = [];
      this.onText(text);
    }
  }
}

/** The Socket Mode side of one local Slack: tickets, connections, envelopes and their acks. */
export class SocketModeHub {
  private readonly tickets = new Map<string, number>();
  private readonly connections: SocketConnection[] = [];
  private readonly waiting = new Map<string, (payload: Record<string, unknown> | undefined) => void>();

  constructor(private readonly ws: SlackWorkspace) {}

  /** apps.connections.open: a one-use URL for the WebSocket. */
  openConnection(): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.set(ticket, Date.now());
    return `${this.ws.baseUrl.replace(/^http/, 'ws')}/socket-mode/link?ticket=${ticket}&app_id=${this.ws.app.id}`;
  }

  get connected(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  /** For `server.on('upgrade')`: accepts /socket-mode/link?ticket=… with a valid ticket. */
  handleUpgrade = (req: IncomingMessage, socket: Duplex): void => {
    const url = new URL(req.url ?? '/', 'http://local');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    const issued = this.tickets.get(ticket);
    if (url.pathname !== '/socket-mode/link' || !issued || Date.now() - issued > 60_000 || typeof key !== 'string') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    this.tickets.delete(ticket);
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const connection: SocketConnection = new SocketConnection(socket, (text) => this.onMessage(text), () => {
      const i = this.connections.indexOf(connection);
      if (i >= 0) this.connections.splice(i, 1);
    });
    this.connections.push(connection);
    connection.sendText(JSON.stringify({
      type: 'hello', num_connections: this.connected, debug_info: { host: 'local-slack', approximate_connection_time: 18060 },
      connection_info: { app_id: this.ws.app.id },
    }));
  };

  /** Sends an envelope to a connected app and waits for its ack (as Slack does, for up to 3 s and then some). */
  async deliver(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>, acceptsResponsePayload: boolean, timeoutMs = 10_000): Promise<SocketAck> {
    const connection = this.connections.find((c) => !c.closed);
    if (!connection) throw new Error('no app is connected to the local Slack over Socket Mode');
    const envelopeId = randomBytes(16).toString('hex');
    const started = Date.now();
    const acked = new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelopeId);
        reject(new Error(`the app did not ack envelope ${envelopeId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(envelopeId, (body) => {
        clearTimeout(timer);
        resolve(body);
      });
    });
    connection.sendText(JSON.stringify({ envelope_id: envelopeId, payload, type, accepts_response_payload: acceptsResponsePayload }));
    const body = await acked;
    return { ...(body && Object.keys(body).length ? { payload: body } : {}), elapsedMs: Date.now() - started };
  }

  /** Tells every connected app to go away (as Slack does before maintenance). */
  closeAll(): void {
    for (const c of this.connections) {
      c.sendText(JSON.stringify({ type: 'disconnect', reason: 'warning', debug_info: { host: 'local-slack' } }));
      c.close();
    }
  }

  private onMessage(text: string): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    const done = this.waiting.get(message.envelope_id);
    if (!done) return;
    this.waiting.delete(message.envelope_id);
    done(message.payload && typeof message.payload === 'object' ? (message.payload as Record<string, unknown>) : undefined);
  }
}
