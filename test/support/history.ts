import type { Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { isSealed, openPayload, parsePayloadKeys } from '../../lib';

/**
 * Workflow history as searchable text: payloads are base64 inside the history, so a plain
 * JSON.stringify would hide a leaked secret from a naive search. Every payload is decrypted with
 * the test stack's payload keys (GATEHOUSE_PAYLOAD_KEYS, set by global-setup.ts) and decoded, so
 * a search sees what the workflow saw; a payload that cannot be decrypted fails the search.
 */
export function historyText(history: temporal.api.history.v1.IHistory, keys = process.env.GATEHOUSE_PAYLOAD_KEYS): string {
  const keyring = keys ? parsePayloadKeys(keys) : undefined;
  const parts: string[] = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof Uint8Array) {
      parts.push(Buffer.from(node).toString('utf8'));
      return;
    }
    if ('metadata' in node && 'data' in node && isSealed(node as Payload)) {
      if (!keyring) throw new Error('the history holds encrypted payloads and GATEHOUSE_PAYLOAD_KEYS is not set');
      visit(openPayload(keyring, node as Payload));
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(history);
  return `${JSON.stringify(history)}\n${parts.join('\n')}`;
}

/** How many payloads of a history are encrypted, and how many are not (search attributes aside). */
export function payloadCensus(history: temporal.api.history.v1.IHistory): { sealed: number; plain: number } {
  const census = { sealed: 0, plain: 0 };
  const visit = (node: unknown, key?: string) => {
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
    if (key === 'searchAttributes' || key === 'indexedFields') return;
    if ('metadata' in node && 'data' in node) {
      census[isSealed(node as Payload) ? 'sealed' : 'plain'] += 1;
      return;
    }
    for (const [name, value] of Object.entries(node)) visit(value, name);
  };
  visit(history);
  return census;
}
