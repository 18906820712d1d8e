import type { MaskReport } from '../phi';
import type { MaskSummary } from './masking';

/**
 * Snowflake error messages that echo a value of the data (the local stand-in's DuckDB wording
 * too). When the statement touched PHI, the quoted part of these is replaced whatever it looks
 * like: "Numeric value 'Jane Doe' is not recognized" names no PHI type a scanner would find.
 */
const VALUE_TEMPLATES: RegExp[] = [
  /((?:Numeric|Boolean|Date|Time|Timestamp|Binary|Variant|Geography|Decimal|Integer) value )('(?:[^']|'')*'|"(?:[^"]|"")*")/gi,
  /((?:Date|Time|Timestamp|String|Value) )('(?:[^']|'')*')( is (?:not recognized|too long))/gi,
  /(Can't parse |Could not convert (?:string )?|Cannot cast |invalid (?:input|value) (?:syntax )?(?:for [\w ]+)?:? ?)('(?:[^']|'')*'|"(?:[^"]|"")*")/gi,
];
/** Any other quoted text: when PHI was touched, it is not shown either (a template we do not know yet). */
const QUOTED = /'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/g;

export function maskErrorText(text: string, touchesPhi: boolean, byAppearance: (text: string) => { text: string; report: MaskReport }): { text: string; report: MaskSummary } {
  let out = text;
  let replaced = 0;
  if (touchesPhi) {
    for (const template of VALUE_TEMPLATES) {
      out = out.replace(template, (...m: string[]) => {
        replaced++;
        return `${m[1]}'[VALUE WITHHELD]'${m[3] && !/^\d+$/.test(m[3]) ? m[3] : ''}`;
      });
    }
    out = out.replace(QUOTED, (q) => {
      if (q === "'[VALUE WITHHELD]'") return q;
      replaced++;
      return "'[VALUE WITHHELD]'";
    });
  }
  const scanned = byAppearance(out);
  const counts: Record<string, number> = {};
  for (const [type, n] of Object.entries(scanned.report.counts)) if (n) counts[type] = n;
  if (replaced) counts.OTHER_ID = (counts.OTHER_ID ?? 0) + replaced;
  return { text: scanned.text, report: { counts, total: scanned.report.total + replaced } };
}
