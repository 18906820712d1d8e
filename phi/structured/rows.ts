import type { OperatorContext } from '../operators';
import { maskString } from '../mask-text';
import type { MaskingPolicy } from '../policy';
import type { ReportBuilder } from '../report';
import { classifyColumn, identifiersInPhiTable, type ColumnClass } from './classify';
import { maskCell, maskJsonValue } from './json';

/**
 * A SQL result: column names and rows of cells. Each column is classified once (policy tag, name,
 * sampled values); every cell of a PHI column is masked, other string cells are scanned as text.
 */
export function maskRowsInto(columns: readonly string[], rows: readonly (readonly unknown[])[], policy: MaskingPolicy, context: OperatorContext, report: ReportBuilder): unknown[][] {
  const classes: ColumnClass[] = columns.map((name, index) => classifyColumn(name, rows.map((r) => r[index]), policy, report));
  identifiersInPhiTable(classes, (index) => rows.map((r) => r[index]), policy, columns);
  classes.forEach((decision, index) => {
    if (decision.kind === 'phi') report.column({ path: '/rows', column: columns[index]!, type: decision.type, reason: decision.reason });
  });
  return rows.map((row, r) =>
    row.map((cell, c) => {
      const column = classes[c] ?? { kind: 'text' as const };
      const path = report.wantsLocations ? `/rows/${r}/${columns[c] ?? c}` : '';
      if (column.kind === 'phi') return maskCell(cell, column, policy, context, report, path);
      if (column.kind === 'none') return cell;
      if (typeof cell === 'string') return maskString(cell, policy, context, report, path);
      if (typeof cell === 'object' && cell !== null) return maskJsonValue(cell, policy, context, report, path);
      return cell;
    }),
  );
}
