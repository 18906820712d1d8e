import { appendFileSync } from 'node:fs';

/**
 * The local Snowflake's own record of who logged in and what ran, one JSON line per event, written
 * before the statement runs (so a statement killed half way is still on it). It is ground truth
 * for the chaos run (bench/chaos): what reached Snowflake, as whom and when, independent of what
 * the gateway and the archives say. Like Snowflake's LOGIN_HISTORY and QUERY_HISTORY it holds
 * statement text; it lives in the data folder, next to the data itself.
 */
export type HistoryEvent =
  | { kind: 'login'; at: string; user: string; role: string }
  | { kind: 'query'; at: string; user: string; role: string; queryId: string; sqlText: string };

/** Its name in the data folder of a local Snowflake run as a process. */
export const HISTORY_FILE = 'query-history.jsonl';

export type HistoryLog = (event: HistoryEvent) => void;

/** Like Snowflake's query history, a password set in a statement is not kept. */
const PASSWORD_LITERAL = /(\bPASSWORD\s*=\s*)'(?:[^']|'')*'/gi;

/** Appends synchronously: a killed process loses nothing it has accepted. */
export function historyFile(file: string): HistoryLog {
  return (event) => {
    const kept = event.kind === 'query' ? { ...event, sqlText: event.sqlText.replace(PASSWORD_LITERAL, "$1'****'") } : event;
    appendFileSync(file, `${JSON.stringify(kept)}\n`, { mode: 0o600 });
  };
}

/** Reads a history file back; lines cut short by a kill are skipped. */
export function parseHistory(text: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      events.push(JSON.parse(line) as HistoryEvent);
    } catch {
      // a line the kill interrupted
    }
  }
  return events;
}
