import { createServer, type Server } from 'node:http';
import type { Worker } from '@temporalio/worker';

/** GET /healthz answers 200 while the worker is RUNNING, 503 otherwise (for probes and the dev stack). */
export function startHealthServer(worker: Worker, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    const state = worker.getState();
    res.writeHead(state === 'RUNNING' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ state, taskQueue: worker.options.taskQueue }));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
