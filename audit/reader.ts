import type { KeyObject } from 'node:crypto';
import { inParallel } from '../lib';
import { maskFreeTextFields } from './lifecycle';
import { parseArchive } from './parse';
import { buildEvidencePack, sessionCommands, type CommandSummary, type EvidenceItem, type EvidencePack, type UnreadableRequest } from './evidence';
import { HistoryError, type HistorySource, type RequestHistory } from './history';
import { replaySteps, type ReplayStep } from './replay';
import type { ArchiveStore } from './store';
import type { ArchiveManifest } from './archive';
import { verifyArchive, type VerificationReport } from './verify';

/** Requests a period's export reads at once. */
const EXPORT_READERS = 8;

export interface AuditView {
  requestId: string;
  workflowStatus: string;
  status: RequestHistory['status'];
  commands: CommandSummary[] | null;
  archive: { location: string; head: string; manifest: ArchiveManifest; signedBy?: string } | null;
  verification: VerificationReport | null;
  note: string | null;
}

/**
 * What the CLI and the API read for auditors: workflow history joined with the verified
 * archive. Every archive is verified against the trusted key and the head in history.
 */
export class AuditReader {
  constructor(private readonly options: {
    history: HistorySource;
    store: ArchiveStore;
    verifyKey: () => KeyObject;
    /** Masks PHI typed into free text of the workflow status (reasons ...), as the archiver does. */
    maskFreeText?: (text: string, target: string) => string;
  }) {}

  async evidence(requestId: string, known?: RequestHistory): Promise<EvidenceItem> {
    const { store, maskFreeText } = this.options;
    const raw = known ?? (await this.options.history.get(requestId));
    const history = maskFreeText ? { ...raw, status: maskFreeTextFields(raw.status, (text) => maskFreeText(text, raw.status.target)) } : raw;
    if (!(await store.exists(requestId))) {
      return {
        history,
        note: history.status.archive
          ? `history names ${history.status.archive.location} but the store has no archive for ${requestId}`
          : `not archived yet (state ${history.status.state})`,
      };
    }
    const files = await store.get(requestId);
    const report = verifyArchive(files, { publicKey: this.options.verifyKey(), ...(history.status.archive ? { expectedHead: history.status.archive.digest } : {}) });
    try {
      return { history, archive: parseArchive(files), report };
    } catch (error) {
      return { history, report, note: `the archive cannot be read: ${(error as Error).message}` };
    }
  }

  async view(requestId: string): Promise<AuditView> {
    const item = await this.evidence(requestId);
    const m = item.archive?.manifest;
    return {
      requestId: item.history.requestId,
      workflowStatus: item.history.workflowStatus,
      status: item.history.status,
      commands: item.archive ? sessionCommands(item.archive.records, item.history.status) : null,
      archive: m ? { location: this.options.store.locate(requestId), head: m.manifest.head, manifest: m.manifest, ...(item.report?.signedBy ? { signedBy: item.report.signedBy } : {}) } : null,
      verification: item.report ?? null,
      note: item.note ?? null,
    };
  }

  async recording(requestId: string, options: { includeEvents?: boolean } = {}): Promise<{ requestId: string; steps: ReplayStep[] | null; verification: VerificationReport | null; note: string | null }> {
    const item = await this.evidence(requestId);
    return {
      requestId,
      steps: item.archive ? replaySteps(item.archive, options) : null,
      verification: item.report ?? null,
      note: item.note ?? null,
    };
  }

  /**
   * The evidence pack of [from, to). A request whose status cannot be read (a running one whose
   * worker is gone) is listed from what visibility holds of it, marked unreadable and counted,
   * never left out; anything else that fails (Temporal down, the store) fails the export.
   */
  async export(from: Date, to: Date, signingKey?: KeyObject): Promise<EvidencePack> {
    const ids = await this.options.history.startedBetween(from, to);
    // A few requests at a time, in the period's order: a period of thousands, some of them
    // unreadable (each waits out its status query), is not read one after the other.
    const read = await inParallel(ids, EXPORT_READERS, async (id): Promise<{ item: EvidenceItem } | { unreadable: UnreadableRequest }> => {
      try {
        return { item: await this.evidence(id) };
      } catch (error) {
        if (!(error instanceof HistoryError && error.code === 'UNREADABLE' && error.visible)) throw error;
        return { unreadable: { ...error.visible, problem: error.message } };
      }
    });
    const items = read.flatMap((r) => ('item' in r ? [r.item] : []));
    const unreadable = read.flatMap((r) => ('unreadable' in r ? [r.unreadable] : []));
    return buildEvidencePack({ from, to, items, unreadable, ...(signingKey ? { signingKey } : {}) });
  }
}
