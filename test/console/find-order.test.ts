// The console's list is strictly newest first by start time, open and closed requests together,
// whatever order they closed in (visibility itself lists open ones first, then by close time).
import type { Client } from '@temporalio/client';
import { PageTokenError, RequestIndex, type RequestRow } from '../../audit';
import { connectTemporalClient, newRequestId, temporalSettings } from '../../lib';
import { requesterKey, stateKey, targetKey } from '../../workflows';
import { eventually } from '../support/eventually';

describe('the request list, newest first', () => {
  let client: Client;
  // A requester no other suite uses, so the filter sees only this test's requests.
  const requester = `order-${Date.now().toString(36)}@example.org`;
  const ids: string[] = [];

  beforeAll(async () => {
    client = await connectTemporalClient(temporalSettings());
    // Seven requests started in a known order, on a queue no worker polls (visibility is what is tested).
    for (let i = 0; i < 7; i++) {
      const id = newRequestId();
      await client.workflow.start('accessRequest', {
        taskQueue: 'gatehouse-order-nobody-polls', workflowId: id, args: [],
        typedSearchAttributes: [{ key: requesterKey, value: requester }, { key: targetKey, value: 'clinical' }, { key: stateKey, value: 'PENDING' }],
      });
      ids.push(id);
      const started = Date.now();
      while (Date.now() - started < 3) await new Promise((r) => setTimeout(r, 1)); // distinct start milliseconds
    }
    // Closed out of order: the oldest last, so visibility's own order (open first, then by close time) differs from start order.
    for (const i of [5, 2, 6, 0]) await client.workflow.getHandle(ids[i]!).terminate('closed for the ordering test');
    const index = new RequestIndex(client);
    await eventually(async () => (await index.find({ requester }, { pageSize: 20 })).rows.filter((r) => r.workflowStatus === 'TERMINATED').length === 4, 'the four closed requests in visibility');
  }, 120_000);

  afterAll(async () => {
    for (const i of [1, 3, 4]) await client?.workflow.getHandle(ids[i]!).terminate('test over').catch(() => undefined);
    await client?.connection.close();
  });

  /** Every page in turn; `edit` may rewrite each page link before it is followed (a person editing the URL). */
  const walk = async (index: RequestIndex, pageSize: number, edit: (page: string) => string = (p) => p) => {
    const pages: RequestRow[][] = [];
    let page: string | undefined;
    do {
      const answer = await index.find({ requester }, { pageSize, ...(page ? { page } : {}) });
      pages.push(answer.rows);
      page = answer.next && edit(answer.next);
    } while (page && pages.length < 20);
    return pages;
  };
  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** A page link with its window hints replaced. */
  const withWidths = (w: unknown) => (page: string) => forged({ ...JSON.parse(Buffer.from(page, 'base64url').toString('utf8')), w });

  test('every page size gives the requests strictly by start time, newest first, each once, the last page without a next link', async () => {
    const index = new RequestIndex(client);
    const expected = [...ids].reverse();
    for (const size of [1, 2, 3, 7, 50]) {
      const pages = await walk(index, size);
      expect(pages.flat().map((r) => r.requestId)).toEqual(expected);
      expect(pages.every((p) => p.length > 0 && p.length <= size)).toBe(true);
      expect(pages).toHaveLength(Math.ceil(ids.length / size));
    }
    const rows = (await index.find({ requester })).rows;
    // Open and closed interleaved by start time (6 closed, 5 closed, 4 open, 3 open, 2 closed, 1 open, 0 closed).
    expect(rows.map((r) => r.workflowStatus)).toEqual(['TERMINATED', 'TERMINATED', 'RUNNING', 'RUNNING', 'TERMINATED', 'RUNNING', 'TERMINATED']);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.startTime.getTime()).toBeGreaterThan(rows[i]!.startTime.getTime());
  });

  test('when close order says nothing (old requests closed last, as a bulk termination does), closed requests are read by start-time windows and the order is the same', async () => {
    // No read-ahead in close order, and a first window of 1 ms: every page goes through the doubling windows.
    const index = new RequestIndex(client, undefined, { readAhead: 0, firstWindowMs: 1 });
    const expected = [...ids].reverse();
    for (const size of [1, 2, 3, 7, 50]) {
      const pages = await walk(index, size);
      expect(pages.flat().map((r) => r.requestId)).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(ids.length / size));
    }
    // The page links carry the window each closed status needed, where the next page starts looking.
    const second = await index.find({ requester }, { pageSize: 2 });
    expect(JSON.parse(Buffer.from(second.next!, 'base64url').toString('utf8')).w).toEqual({ Terminated: expect.any(Number) });
    // Hints are only hints: links edited to any width a Date can span, or to none, give the same rows in the same order.
    for (const w of [{ Terminated: 1 }, { Terminated: 8.64e15 - 1 }, { Completed: 1, Failed: 2, Canceled: 3, Terminated: 4, TimedOut: 5, ContinuedAsNew: 6 }, undefined]) {
      expect({ w, ids: (await walk(index, 3, withWidths(w))).flat().map((r) => r.requestId) }).toEqual({ w, ids: expected });
    }
    const all = (await index.find({ requester })).rows;
    const ranged = await index.find({ requester, from: all[4]!.startTime, to: new Date(all[1]!.startTime.getTime() + 1) }, { pageSize: 2 });
    const next = await index.find({ requester, from: all[4]!.startTime, to: new Date(all[1]!.startTime.getTime() + 1) }, { pageSize: 2, page: ranged.next! });
    expect([...ranged.rows, ...next.rows].map((r) => r.requestId)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
  });

  test('a time range still applies and the order holds within it', async () => {
    const index = new RequestIndex(client);
    const all = (await index.find({ requester })).rows;
    const from = all[4]!.startTime; // the third oldest
    const to = new Date(all[1]!.startTime.getTime() + 1); // up to the second newest
    const ranged = await index.find({ requester, from, to }, { pageSize: 2 });
    const next = await index.find({ requester, from, to }, { pageSize: 2, page: ranged.next! });
    expect([...ranged.rows, ...next.rows].map((r) => r.requestId)).toEqual([ids[5], ids[4], ids[3], ids[2]]);
    expect(next.next).toBeUndefined();
  });

  test('a page link that was edited or forged is refused clearly, never run as a query', async () => {
    const index = new RequestIndex(client);
    const hints = [[], null, 'wide', { Running: 5 }, { Terminated: 0 }, { Terminated: -1 }, { Terminated: '5' }, { Terminated: 1.5 }, { Terminated: 9e15 }, { "Terminated' OR 'a'='a": 5 }];
    for (const w of hints) await expect(index.find({ requester }, { page: forged({ v: 1, t: Date.now(), id: 'req_x', w }) })).rejects.toThrow(PageTokenError);
    for (const page of ['A'.repeat(40), forged({ v: 1, t: 'now', id: 'x' }), forged({ v: 1, t: 1, id: "x' OR 'a'='a" }), forged({ v: 2, t: 1, id: 'x' }), forged({ v: 1, t: -5, id: 'x' }), forged({ v: 1, t: 9e15, id: 'x' }), forged({ v: 1, t: Number.MAX_SAFE_INTEGER, id: 'x' }), 'not base64!', 'A'.repeat(9000)]) {
      await expect(index.find({ requester }, { page })).rejects.toThrow(PageTokenError);
    }
    // A well-formed cursor far in the past is simply an empty page.
    expect(await index.find({ requester }, { page: forged({ v: 1, t: 1, id: 'req_x' }) })).toEqual({ rows: [] });
  });
});
