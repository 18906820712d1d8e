/**
 * npx tsx bench/proxy/plan-digest.ts — what the masking plan's digest costs per SQL answer, in one
 * process: PhiMasker.mask of a 20-row, 6-column result whose plan resolves (the report and its
 * digest kept with the plan: this tree), alternated with the same plus one maskingPlanDigest of
 * the report (what every answer paid before the digest was kept). Prints the medians of 12 rounds
 * of 2,000 answers each and their ratio; run it on a quiet machine, or read only the ratio.
 */
import { loadavg } from 'node:os';
import { maskingPlanDigest } from '../../audit';
import { PhiMasker } from '../../proxy';
import { clinicalCatalog } from '../../test/phi-lineage/catalog-fixture';

const SQL = "SELECT PATIENT_ID, STATE, REVERSE(REPLACE(SSN, '-', '')) AS ICD10, LOWER(LAST_NAME) AS WARD, CREATED_AT, YEAR(DATE_OF_BIRTH) AS Y FROM CLINICAL.PHI.PATIENTS";
const ROUNDS = 12;
const ANSWERS = 2_000;

async function main(): Promise<void> {
  const masker = new PhiMasker({ name: 'clinical', masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, 'a-bench-token-key-of-32-bytes-...', undefined, { catalog: { get: () => clinicalCatalog } });
  const rows = Array.from({ length: 20 }, (_, i) => [i, 'TX', `98765432${i}`, `smith${i}`, '2024-01-01', 1970 + i]);
  const table = { columns: ['PATIENT_ID', 'STATE', 'ICD10', 'WARD', 'CREATED_AT', 'Y'], rows, rowCount: rows.length, truncated: false, rowLimit: 20 };
  const context = { target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: SQL } } as const;
  const value = { content: [{ type: 'text', text: JSON.stringify(table) }], structuredContent: table };
  const first = await masker.mask(value, context);
  // A copy, so the added digest is of a report as the masker built it before (not the kept, frozen one).
  const report = JSON.parse(JSON.stringify(first.plan!.report)) as Record<string, unknown>;
  const kept: number[] = [];
  const perAnswer: number[] = [];
  const digestOnly: number[] = [];
  const time = async (into: number[], run: () => Promise<unknown> | unknown) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ANSWERS; i++) await run();
    into.push(Number(process.hrtime.bigint() - start) / ANSWERS / 1000);
  };
  const load = loadavg().map((l) => l.toFixed(1)).join('/');
  for (let round = 0; round < ROUNDS; round++) {
    const a = () => time(kept, () => masker.mask(value, context));
    const b = () => time(perAnswer, async () => {
      await masker.mask(value, context);
      maskingPlanDigest(first.plan!.salt, report);
    });
    if (round % 2 === 0) await a().then(b);
    else await b().then(a);
    await time(digestOnly, () => maskingPlanDigest(first.plan!.salt, report));
  }
  const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1]!;
  process.stdout.write(`load ${load} -> ${loadavg().map((l) => l.toFixed(1)).join('/')}\n`);
  process.stdout.write(`mask, digest kept with the plan: ${median(kept).toFixed(1)} µs/answer\n`);
  process.stdout.write(`mask + one digest per answer:    ${median(perAnswer).toFixed(1)} µs/answer\n`);
  process.stdout.write(`the digest alone:                ${median(digestOnly).toFixed(1)} µs\n`);
  process.stdout.write(`kept ÷ per answer:               ${(median(kept) / median(perAnswer)).toFixed(3)}\n`);
}

void main();
