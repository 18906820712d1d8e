/**
 * npx tsx bench/grants/history-work.ts <history.bin>... — the Temporal work of recorded grant
 * histories (temporal.api.history.v1.History, binary), counted per phase as bench:grants counts its
 * requests' (temporal-work.ts): e.g. the fixtures the workflow tests replay.
 */
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { eventTypesLine, grantWork, workTable } from './temporal-work';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npx tsx bench/grants/history-work.ts <history.bin>...');
  process.exit(2);
}
for (const file of files) {
  const phases = grantWork(temporal.api.history.v1.History.decode(readFileSync(file)));
  console.log(`${file}:`);
  for (const line of [...workTable(phases), ...eventTypesLine(phases)]) console.log(line);
}
