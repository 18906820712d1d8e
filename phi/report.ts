import type { ColumnDecision, EntityType, Finding, MaskedLocation, MaskReport } from './types';

const MEMO_MAX_ENTRIES = 20_000;

/** Collects what masking did. Counts are always exact; the location list is capped. */
export class ReportBuilder {
  private readonly counts: Partial<Record<EntityType, number>> = {};
  private readonly locations: MaskedLocation[] = [];
  private readonly columns: ColumnDecision[] = [];
  private total = 0;
  private truncated = false;
  binaryValues = 0;
  /**
   * Findings of short strings already scanned in this masking call (result columns repeat the
   * same values). It lives and dies with this builder, so no value outlasts the call.
   */
  private readonly memo = new Map<string, Finding[]>();

  remembered(text: string, scan: () => Finding[]): Finding[] {
    const known = this.memo.get(text);
    if (known) return known;
    const found = scan();
    if (this.memo.size < MEMO_MAX_ENTRIES && text.length <= 128) this.memo.set(text, found);
    return found;
  }

  constructor(private readonly maxLocations = 1000) {}

  add(location: MaskedLocation): void {
    this.counts[location.type] = (this.counts[location.type] ?? 0) + 1;
    this.total++;
    if (this.locations.length < this.maxLocations) this.locations.push(location);
    else this.truncated = true;
  }

  /** add() of a location the list has no room for (wantsLocations is false): counted, not built. */
  addUnlisted(type: EntityType): void {
    this.counts[type] = (this.counts[type] ?? 0) + 1;
    this.total++;
    this.truncated = true;
  }

  /** False once the location list is full: callers can skip building location paths. */
  get wantsLocations(): boolean {
    return this.locations.length < this.maxLocations;
  }

  column(decision: ColumnDecision): void {
    if (this.columns.length < this.maxLocations) this.columns.push(decision);
  }

  build(): MaskReport {
    return { counts: { ...this.counts }, total: this.total, locations: this.locations, locationsTruncated: this.truncated, columns: this.columns, binaryValues: this.binaryValues };
  }
}
