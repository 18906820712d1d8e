/**
 * JSON.stringify, falling back to a version without recursion when the document is nested too
 * deeply for the stack. Output matches JSON.stringify(value) for JSON values.
 */
export function serializeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    // Only nesting deeper than the stack allows is handled here; anything else is rethrown.
    if (!(error instanceof RangeError)) throw error;
  }
  return serializeIteratively(value);
}

function serializeIteratively(value: unknown): string {
  const out: string[] = [];
  type Frame = { kind: 'array'; items: unknown[]; i: number } | { kind: 'object'; entries: [string, unknown][]; i: number };
  const stack: Frame[] = [];
  const emit = (v: unknown): void => {
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') out.push('null');
    else if (typeof v === 'bigint') out.push(JSON.stringify(v.toString()));
    else if (typeof v !== 'object') out.push(JSON.stringify(v) ?? 'null');
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push({ kind: 'array', items: v, i: 0 });
    } else if (typeof (v as { toJSON?: unknown }).toJSON === 'function') emit((v as { toJSON(): unknown }).toJSON());
    else {
      out.push('{');
      stack.push({ kind: 'object', entries: Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== 'function'), i: 0 });
    }
  };
  emit(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.kind === 'array') {
      if (top.i >= top.items.length) {
        out.push(']');
        stack.pop();
        continue;
      }
      if (top.i > 0) out.push(',');
      emit(top.items[top.i++]);
    } else {
      if (top.i >= top.entries.length) {
        out.push('}');
        stack.pop();
        continue;
      }
      if (top.i > 0) out.push(',');
      const [key, v] = top.entries[top.i++]!;
      out.push(JSON.stringify(key), ':');
      emit(v);
    }
  }
  return out.join('');
}
