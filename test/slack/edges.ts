import { newRequestId } from '../../lib';
import type { AccessStatus, CommandRecord } from '../../workflows';

/**
 * The inputs at Slack's edges (issue 23) and a seeded generator of hostile user text, shared by
 * the Block Kit suites. Every string here is what a requester, an agent or gatehouse.yaml can send.
 */

/** 1,000 `&`: within the API's reason cap, 5,000 characters once escaped. */
export const AMPERSANDS = '&'.repeat(1000);

/** A reason that tries to look like Gatehouse's own decision line, with a link to click. */
export const FORGED_APPROVAL = 'routine check\n\n*Status*\n:white_check_mark: *Approved by @dana.lead* — no further review needed\nhttps://evil.example/login';

/** A tool name that tries to leave its inline code and bold itself, and to ping the channel. */
export const BACKTICK_TOOL = 'query`` *APPROVED* ``<!channel>';

/** A realistic held INSERT of HTML, 2,000 characters before escaping. */
export const HTML_INSERT = (() => {
  const head = "INSERT INTO CLINICAL.PHI.NOTES (ID, BODY) VALUES (42, '";
  const tail = "')";
  let body = '';
  while (head.length + body.length + tail.length + 13 <= 2000) body += '<p>&nbsp;</p>';
  return `${head}${body}${'x'.repeat(2000 - head.length - body.length - tail.length)}${tail}`;
})();

/** A description whose every cut falls near an emoji of several code points (ZWJ sequences, flags). */
export const EMOJI_DESCRIPTION = `${'Clinical notes '.repeat(3)}${'👩‍⚕️🇺🇸e\u0301'.repeat(400)}`;

/** A description past 2,000 characters. */
export const LONG_DESCRIPTION = `Clinical warehouse & <notes>, ${'read-only views of encounters; '.repeat(70)}`;

/** `count` objects in scope (80+ pass the 2,000 characters of a section field). */
export function scopeObjects(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `CLINICAL.PHI.ENCOUNTER_DETAIL_${String(i).padStart(4, '0')}`);
}

/** A gatehouse.yaml with a target at the edges, and `extra` more targets for the picker. */
export function edgeConfigYaml(options: { objects?: number; description?: string; extraTargets?: number } = {}): string {
  const target = (name: string, description: string, objects: string[]) => `
  - name: ${name}
    description: ${JSON.stringify(description)}
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    scope: { role: CLINICAL_READ, objects: ${JSON.stringify(objects)} }
    maxDuration: 40s
    requesters: [group:analysts]
    approvers: { channel: phi-approvers, members: [group:phi-approvers] }
    commands:
      sql: { read: allow, write: hold, ddl: deny, privilege: deny, export: deny }
      rowLimit: 200`;
  const extra = Array.from({ length: options.extraTargets ?? 0 }, (_, i) => target(`ward-${String(i).padStart(3, '0')}`, i % 7 === 0 ? EMOJI_DESCRIPTION : `Ward ${i} notes`, []));
  return `
version: 1
defaults:
  maxDuration: 1h
  approvalTimeout: 8s
  commandApprovalTimeout: 20s
  expiringSoonWarning: 8s
groups:
  phi-approvers: [alice@example.org, bob@example.org]
  analysts: [carol@example.org, alice@example.org, eve@example.org]
targets:${target('clinical', options.description ?? LONG_DESCRIPTION, scopeObjects(options.objects ?? 85))}${extra.join('')}
`;
}

export function edgeStatus(overrides: Partial<AccessStatus> = {}): AccessStatus {
  return {
    requestId: newRequestId(), requester: 'carol@example.org', origin: 'slack', target: 'clinical', reason: AMPERSANDS, durationMs: 20_000,
    ticket: 'INC-4411',
    policy: {
      target: 'clinical', approverChannel: 'phi-approvers', approvers: ['alice@example.org', 'bob@example.org'], maxDurationMs: 40_000,
      autoApproved: false, approvalTimeoutMs: 8_000, commandApprovalTimeoutMs: 20_000, expiringSoonWarningMs: 8_000,
    },
    state: 'PENDING_APPROVAL', requestedAt: new Date().toISOString(), extensions: [], commands: [], timeline: [],
    ...overrides,
  };
}

export function heldCommand(overrides: Partial<CommandRecord> = {}): CommandRecord {
  return {
    commandId: 'cmd_edge0001', tool: BACKTICK_TOOL, summary: HTML_INSERT, classes: ['write', '*DDL*'], risk: 'high',
    heldAt: new Date().toISOString(), outcome: 'pending', ...overrides,
  };
}

// ---- random hostile text ------------------------------------------------------------------------

/** Markers that must never turn into formatting, mentions, emoji or links (the product uses none of them). */
export const MARKERS = ['*BOLD*', '_ITAL_', '~STRK~', '`CODE`', '```FENCE```', ':tada:', ':rotating_light:', '<!here>', '<!channel>', '<@U0EVIL>', '<#C0EVIL>', '<https://evil.example|click>', 'https://evil.example/x', 'www.evil.example'];
const PIECES = [...MARKERS, '&', '<', '>', '&amp;', '\n', '\n\n', ' ', '👩‍⚕️', '🇺🇸', 'e\u0301', '\uD83D', 'é', '中文', 'a', 'SELECT', "'", '"', '|', '\\', '\t'];

/** A small seeded PRNG (mulberry32): the same seed gives the same texts, so a failure replays. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random user text of up to `maxPieces` hostile pieces (sometimes long runs of one piece). */
export function hostileText(next: () => number, maxPieces = 250): string {
  const n = Math.floor(next() * maxPieces) + 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    const piece = PIECES[Math.floor(next() * PIECES.length)] ?? 'a';
    out += next() < 0.05 ? piece.repeat(Math.floor(next() * 200) + 1) : piece;
  }
  return out;
}

// ---- what user text must never become --------------------------------------------------------------

type Obj = Record<string, unknown>;

/** Every text object in blocks or a view, with where it is. */
export function textObjects(value: unknown, path = ''): Array<{ path: string; type: string; text: string; verbatim?: unknown; emoji?: unknown }> {
  if (Array.isArray(value)) return value.flatMap((v, i) => textObjects(v, `${path}/${i}`));
  if (!value || typeof value !== 'object') return [];
  const o = value as Obj;
  const here = (o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string'
    ? [{ path, type: String(o.type), text: o.text, verbatim: o.verbatim, emoji: o.emoji }]
    : [];
  return [...here, ...Object.entries(o).flatMap(([k, v]) => textObjects(v, `${path}/${k}`))];
}

/**
 * What in a message could come from user text as formatting: mrkdwn not verbatim, plain_text with
 * emoji codes on, or a marker alive in mrkdwn (outside code blocks, where nothing formats) or in
 * the top-level text. Empty when the message shows user text only as data.
 */
export function formattingFromUserText(content: { text?: string; blocks?: unknown[] } | Obj): string[] {
  const problems: string[] = [];
  const blocks = (content as { blocks?: unknown[] }).blocks ?? [];
  for (const t of textObjects(blocks, '/blocks')) {
    if (t.type === 'mrkdwn' && t.verbatim !== true) problems.push(`${t.path}: mrkdwn without verbatim (Slack would auto-link)`);
    if (t.type === 'plain_text' && t.emoji !== false) problems.push(`${t.path}: plain_text with emoji codes on`);
    if (t.type !== 'mrkdwn') continue;
    // Inside code (blocks, and Gatehouse's inline code) nothing formats, links or mentions.
    const outsideCode = t.text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    for (const m of MARKERS) if (outsideCode.includes(m)) problems.push(`${t.path}: "${m}" is live mrkdwn`);
    // Gatehouse's own tokens: mentions of people it looked up, and the thread's permalink.
    const rest = outsideCode.replace(/<@U[A-Z0-9]+>/g, '').replace(/<#C[A-Z0-9]+>/g, '').replace(/<https?:\/\/(127\.0\.0\.1|localhost)[^|>]*\|[^>]*>/g, '');
    if (rest.includes('<')) problems.push(`${t.path}: an angle-bracket token Gatehouse did not make`);
    if (rest.includes('://')) problems.push(`${t.path}: a URL Gatehouse did not make`);
  }
  // The top-level text is mrkdwn too: Gatehouse's inline code (escaped, no backtick of its own) formats nothing.
  const top = ((content as { text?: string }).text ?? '').replace(/`[^`\n]*`/g, '');
  for (const m of MARKERS) if (top.includes(m)) problems.push(`top-level text: "${m}"`);
  return problems;
}
