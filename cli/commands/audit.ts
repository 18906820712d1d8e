import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import {
  ArchiveConfigError, archiveSettingsFromEnv, archiveSigningKey, AuditReader, createArchiveStore, freeTextMasker, archiveVerifyKey, describeRequest, loadVerifyKey, MANIFEST_FILE,
  parseArchive, RECORDS_FILE, replaySteps, replayText, sessionCommands, TemporalHistory, verifyArchive,
  type ArchiveFiles, type ArchiveStore, type HistorySource, type VerificationReport,
} from '../../audit';
import { connectTemporalClient, stateDir, temporalSettings } from '../../lib';
import { CommandFailure, EXIT } from '../exit-codes';
import { configPath, loadConfig, type GatehouseConfig } from '../../policy';

/** Raised for an audit finding (a failed verification): exit code 1, the report already printed. */
export class AuditFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditFailure';
  }
}

interface AuditContext {
  store: ArchiveStore;
  history: HistorySource;
  reader: AuditReader;
  verifyKey(): KeyObject;
  close(): Promise<void>;
}

/** gatehouse.yaml's targets, for their masking policies; without a readable config the default policy masks. */
function targetsFor(env: NodeJS.ProcessEnv): { targets: GatehouseConfig['targets'] } {
  try {
    return loadConfig(configPath(env));
  } catch {
    return { targets: [] };
  }
}

/** Everything the audit commands read, from the same environment the worker uses. */
export async function auditContext(env: NodeJS.ProcessEnv, options: { publicKey?: string; temporal?: boolean } = {}): Promise<AuditContext> {
  const settings = archiveSettingsFromEnv(env, { folder: stateDir('archives') });
  const store = createArchiveStore(settings.store);
  let client: Client | undefined;
  const connect = async () => (client ??= await connectTemporalClient(temporalSettings(env)));
  const history: HistorySource = options.temporal === false
    ? { get: () => Promise.reject(new Error('workflow history is not consulted (--offline)')), startedBetween: () => Promise.reject(new Error('offline')) }
    : { get: async (id) => new TemporalHistory(await connect()).get(id), startedBetween: async (f, t) => new TemporalHistory(await connect()).startedBetween(f, t) };
  let key: KeyObject | undefined;
  const publicKey = options.publicKey ? loadVerifyKey(await readFile(options.publicKey, 'utf8')) : undefined;
  const verifyKey = () => (key ??= publicKey ?? archiveVerifyKey(env, stateDir('keys')).key);
  return {
    store,
    history,
    reader: new AuditReader({ history, store, verifyKey, maskFreeText: freeTextMasker(targetsFor(env)) }),
    verifyKey,
    close: async () => { await client?.connection.close(); },
  };
}

async function readArchive(ctx: AuditContext, ref: string): Promise<{ files: ArchiveFiles; where: string }> {
  if (existsSync(ref) && statSync(ref).isDirectory()) {
    const [records, manifest] = await Promise.all([readFile(path.join(ref, RECORDS_FILE), 'utf8'), readFile(path.join(ref, MANIFEST_FILE), 'utf8')]);
    return { files: { records, manifest }, where: ref };
  }
  return { files: await ctx.store.get(ref), where: ctx.store.locate(ref) };
}

function requestIdOf(files: ArchiveFiles): string | undefined {
  try {
    return (JSON.parse(files.manifest) as { manifest?: { requestId?: string } }).manifest?.requestId;
  } catch {
    return undefined;
  }
}

function reportText(report: VerificationReport, where: string, historyNote: string): string {
  const lines = [report.ok
    ? `OK  ${where}: ${report.records} records, chain head ${report.head}, signed by key ${report.signedBy}; ${historyNote}`
    : `FAILED  ${where}: ${report.problems.length} problem(s)`];
  for (const p of report.problems) lines.push(`  ${p.kind.padEnd(17)} ${p.message}`);
  if (!report.ok) lines.push(`  ${historyNote}`);
  return `${lines.join('\n')}\n`;
}

const print = (text: string) => process.stdout.write(text);

function parseInstant(value: string, what: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`${what} "${value}" is not a date: write 2026-01-31 (midnight UTC) or an ISO time like 2026-01-31T08:00:00Z`);
  return date;
}

/** Runs a command with its context; archive configuration problems exit 3 (EXIT.config), like other configuration errors. */
async function withContext<T>(env: NodeJS.ProcessEnv, options: { publicKey?: string; temporal?: boolean }, run: (ctx: AuditContext) => Promise<T>): Promise<T> {
  let ctx: AuditContext | undefined;
  try {
    ctx = await auditContext(env, options);
    return await run(ctx);
  } catch (error) {
    if (error instanceof ArchiveConfigError) throw new CommandFailure(EXIT.config, error.message);
    throw error;
  } finally {
    await ctx?.close();
  }
}

export function registerAuditCommand(program: Command, env: NodeJS.ProcessEnv = process.env): void {
  const audit = program.command('audit').description('tamper-evident archives: verify them, read a request, replay its session, export evidence');

  audit
    .command('verify')
    .description('recompute an archive\'s chain and signature and compare its head with the workflow history')
    .argument('<archive>', 'a request id (read from the archive store) or a folder holding records.jsonl and manifest.json')
    .option('--public-key <file>', 'the published archive public key (default: GATEHOUSE_ARCHIVE_PUBLIC_KEY, else the signing key\'s public half)')
    .option('--offline', 'do not compare with the workflow history in Temporal')
    .option('--json', 'print the report as JSON')
    .action(async (ref: string, options: { publicKey?: string; offline?: boolean; json?: boolean }) => {
      await withContext(env, { publicKey: options.publicKey, temporal: !options.offline }, async (ctx) => {
        const { files, where } = await readArchive(ctx, ref);
        const requestId = requestIdOf(files) ?? ref;
        let expectedHead: string | undefined;
        let historyNote = 'not compared with workflow history (--offline)';
        if (!options.offline) {
          const h = await ctx.history.get(requestId);
          expectedHead = h.status.archive?.digest;
          historyNote = expectedHead
            ? `workflow history of ${requestId} holds head ${expectedHead}`
            : `workflow history of ${requestId} holds no archive head yet (state ${h.status.state})`;
        }
        const report = verifyArchive(files, { publicKey: ctx.verifyKey(), ...(expectedHead ? { expectedHead } : {}) });
        if (!options.offline && !expectedHead) {
          report.ok = false;
          report.problems.push({ kind: 'head_mismatch', message: `the workflow history of ${requestId} records no archive, so this archive cannot be matched to it` });
        }
        print(options.json ? `${JSON.stringify({ archive: where, ...report, historyHead: expectedHead ?? null }, null, 2)}\n` : reportText(report, where, historyNote));
        if (!report.ok) throw new AuditFailure(`the archive of ${requestId} does not verify`);
      });
    });

  audit
    .command('show')
    .description('who asked, why, who approved, when the credential lived, every command and what was masked, how it ended')
    .argument('<requestId>')
    .option('--public-key <file>', 'the published archive public key')
    .option('--json', 'print status, commands and verification as JSON')
    .action(async (requestId: string, options: { publicKey?: string; json?: boolean }) => {
      await withContext(env, { publicKey: options.publicKey }, async (ctx) => {
        const item = await ctx.reader.evidence(requestId);
        const history = item.history;
        if (options.json) {
          print(`${JSON.stringify({ status: history.status, workflowStatus: history.workflowStatus, commands: item.archive ? sessionCommands(item.archive.records, history.status) : null, verification: item.report ?? null, note: item.note ?? null }, null, 2)}\n`);
        } else {
          print(describeRequest(history, item.archive, item.report));
          if (item.note) print(`  note         ${item.note}\n`);
        }
      });
    });

  audit
    .command('replay')
    .description('the session as it happened, step by step with timestamps (from the verified archive)')
    .argument('<requestId>')
    .option('--events', 'interleave the lifecycle events (requested, approved, revoked ...)')
    .option('--public-key <file>', 'the published archive public key')
    .option('--json', 'print the steps as JSON')
    .action(async (requestId: string, options: { events?: boolean; publicKey?: string; json?: boolean }) => {
      await withContext(env, { publicKey: options.publicKey, temporal: false }, async (ctx) => {
        const { files, where } = await readArchive(ctx, requestId);
        const report = verifyArchive(files, { publicKey: ctx.verifyKey() });
        if (!report.ok) {
          process.stderr.write(reportText(report, where, 'replaying what is there'));
        }
        const archive = parseArchive(files);
        if (options.json) {
          print(`${JSON.stringify(replaySteps(archive, { includeEvents: options.events }), null, 2)}\n`);
        } else {
          print(replayText(archive, { includeEvents: options.events }));
        }
        if (!report.ok) throw new AuditFailure(`the archive of ${requestId} does not verify; the replay above may not be what happened`);
      });
    });

  audit
    .command('export')
    .description('an evidence pack for a period: CSV and JSON of every request, decision, command and archive digest, plus a verification report')
    .requiredOption('--from <date>', 'start of the period, included (2026-01-01 or an ISO time)')
    .requiredOption('--to <date>', 'end of the period, excluded')
    .option('--out <dir>', 'where to write the pack (default: ./gatehouse-evidence-<from>-<to>)')
    .option('--public-key <file>', 'the published archive public key')
    .action(async (options: { from: string; to: string; out?: string; publicKey?: string }) => {
      const from = parseInstant(options.from, '--from');
      const to = parseInstant(options.to, '--to');
      if (to <= from) throw new Error(`--to (${to.toISOString()}) must be after --from (${from.toISOString()})`);
      await withContext(env, { publicKey: options.publicKey }, async (ctx) => {
        let signingKey: KeyObject | undefined;
        try {
          signingKey = archiveSigningKey(env, stateDir('keys'), { create: false }).key;
        } catch {
          signingKey = undefined; // the pack is then unsigned; the file digests are still listed
        }
        const pack = await ctx.reader.export(from, to, signingKey);
        const out = path.resolve(options.out ?? `gatehouse-evidence-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}`);
        await mkdir(out, { recursive: true });
        for (const [name, text] of Object.entries(pack.files)) await writeFile(path.join(out, name), text, { flag: 'wx' });
        const s = pack.summary;
        print(`evidence for ${s.from} to ${s.to} (end excluded) written to ${out}: ${s.requests} request(s); archives verified ${s.verified}, FAILED ${s.failed}, not archived ${s.notArchived}\n`);
        if (s.unreadable > 0) print(`${s.unreadable} request(s) could not be read (no worker answered for them): listed from Temporal visibility in unreadable.csv and marked UNREADABLE in requests.csv\n`);
        if (s.failed > 0) throw new AuditFailure(`${s.failed} archive(s) in the period do not verify; see verification.json`);
      });
    });
}
