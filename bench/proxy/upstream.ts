// The benchmark's upstream: a 2025-era (sessions) Streamable HTTP MCP server (the v2 SDK) with one tool that returns ~10 KB.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, McpServer } from '@modelcontextprotocol/server';

/** A table of ~10 KB: ward statistics, the shape a warehouse query returns (no identifiers). */
export function payload(): { columns: string[]; rows: unknown[][] } {
  const columns = ['WARD', 'ICD10_CODE', 'DESCRIPTION', 'ADMISSIONS', 'AVG_LENGTH_OF_STAY', 'READMISSION_RATE'];
  const descriptions = ['Type 2 diabetes mellitus without complications', 'Essential (primary) hypertension', 'Acute bronchitis, unspecified', 'Hyperlipidemia, unspecified', 'Major depressive disorder, single episode'];
  const rows: unknown[][] = [];
  for (let i = 0; rows.length < 95; i++) rows.push([`W${(i % 12) + 1}`, `E${10 + (i % 80)}.${i % 10}`, descriptions[i % descriptions.length], 100 + i * 7, Number((2 + (i % 9) / 3).toFixed(2)), Number(((i % 17) / 100).toFixed(2))]);
  return { columns, rows };
}

function newServer(): McpServer {
  const server = new McpServer({ name: 'bench-upstream', version: '1.0.0' });
  const table = payload();
  const text = JSON.stringify(table);
  server.registerTool('payload', { description: 'returns ~10 KB' }, () => ({ content: [{ type: 'text', text }] }));
  return server;
}

async function main(): Promise<void> {
  const transports = new Map<string, NodeStreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined;
    const id = req.headers['mcp-session-id'] as string | undefined;
    let transport = id ? transports.get(id) : undefined;
    if (!transport && req.method === 'POST' && isInitializeRequest(body)) {
      const created: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => { transports.set(sid, created); },
        onsessionclosed: (sid) => { transports.delete(sid); },
      });
      transport = created;
      await newServer().connect(transport);
    }
    if (!transport) {
      res.writeHead(404).end();
      return;
    }
    await transport.handleRequest(req, res, body);
  });
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` })}\n`);
}

if (require.main === module) void main();
