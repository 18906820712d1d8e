import type { ColumnDecision, EntityType, MaskedLocation, MaskReport } from './types';

/** Collects what masking did. Counts are always exact; the location list is capped. */
export class ReportBuilder {
  private readonly counts: Partial<Record<EntityType, number>> = {};
  private readonly locations: MaskedLocation[] = [];
  private readonly columns: ColumnDecision[] = [];
  private total = 0;
  private truncated = false;
  binaryValues = 0;

  constructor(private readonly maxLocations = 1000) {}

  add(location: MaskedLocation): void {
    this.counts[location.type] = (this.counts[location.type] ?? 0) + 1;
    this.total++;
    if (this.locations.length < this.maxLocations) this.locations.push(location);
    else this.truncated = true;
  }

  column(decision: ColumnDecision): void {
    if (this.columns.length < this.maxLocations) this.columns.push(decision);
  }

  build(): MaskReport {
    return { counts: { ...this.counts }, total: this.total, locations: this.locations, locationsTruncated: this.truncated, columns: this.columns, binaryValues: this.binaryValues };
  }
}
