import type { temporal } from '@temporalio/proto';

/**
 * Workflow history as searchable text: payloads are base64 inside the history, so a plain
 * JSON.stringify would hide a leaked secret from a naive search. Every payload is decoded.
 */
export function historyText(history: temporal.api.history.v1.IHistory): string {
  const parts: string[] = [];
  const visit = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof Uint8Array) {
      parts.push(Buffer.from(node).toString('utf8'));
      return;
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(history);
  return `${JSON.stringify(history)}\n${parts.join('\n')}`;
}
