import { escapeHtml, mrkdwnHtml, plainTextHtml, type MentionNames } from './mrkdwn';

/**
 * Block Kit as HTML, laid out as a Slack client lays it out: headers, sections with their fields
 * in two columns and an accessory on the right, context lines, dividers, buttons (primary green,
 * danger red), images as their alt text (nothing is fetched from elsewhere), rich text.
 *
 * Buttons carry what a click needs (`data-action-id`, `data-value`, `data-block-id`): the channel
 * view's script posts them back to the local Slack, which checks the button is really on the
 * message before it delivers the interaction to the app, as Slack would.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface BlockHtmlOptions {
  names: MentionNames;
  /** Buttons shown but not clickable (ephemeral messages, a view without an app to deliver to). */
  inert?: boolean;
}

/** A text object (plain_text or mrkdwn) as HTML. */
export function textObjectHtml(t: unknown, names: MentionNames): string {
  if (typeof t === 'string') return mrkdwnHtml(t, names);
  if (!isObj(t) || typeof t.text !== 'string') return '';
  return t.type === 'plain_text' ? plainTextHtml(t.text, t.emoji !== false) : mrkdwnHtml(t.text, names);
}

/** A message's blocks as HTML. */
export function blocksHtml(blocks: unknown[], options: BlockHtmlOptions): string {
  return blocks.map((b, index) => blockHtml(b, index, options)).join('');
}

function blockHtml(raw: unknown, index: number, options: BlockHtmlOptions): string {
  if (!isObj(raw)) return '';
  const { names } = options;
  const blockId = typeof raw.block_id === 'string' ? raw.block_id : `gen${index}`;
  switch (raw.type) {
    case 'header':
      return `<div class="bk-header" role="heading" aria-level="3">${textObjectHtml(raw.text, names)}</div>`;
    case 'section': {
      const text = raw.text === undefined ? '' : `<div class="bk-text">${textObjectHtml(raw.text, names)}</div>`;
      const fields = Array.isArray(raw.fields) ? `<div class="bk-fields">${raw.fields.map((f) => `<div class="bk-field">${textObjectHtml(f, names)}</div>`).join('')}</div>` : '';
      const accessory = isObj(raw.accessory) ? `<div class="bk-accessory">${elementHtml(raw.accessory, blockId, options)}</div>` : '';
      return `<div class="bk-section"><div class="bk-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context': {
      const elements = Array.isArray(raw.elements) ? raw.elements : [];
      return `<div class="bk-context">${elements.map((e) => (isObj(e) && e.type === 'image' ? imageHtml(e) : `<span class="bk-context-text">${textObjectHtml(e, names)}</span>`)).join('')}</div>`;
    }
    case 'divider':
      return '<hr class="bk-divider">';
    case 'actions': {
      const elements = Array.isArray(raw.elements) ? raw.elements : [];
      return `<div class="bk-actions" data-block-id="${escapeHtml(blockId)}">${elements.map((e) => elementHtml(e, blockId, options)).join('')}</div>`;
    }
    case 'image':
      return `<div class="bk-image-block">${raw.title ? `<div class="bk-image-title">${textObjectHtml(raw.title, names)}</div>` : ''}${imageHtml(raw)}</div>`;
    case 'input':
      return `<div class="bk-input"><label>${textObjectHtml(raw.label, names)}</label>${isObj(raw.element) ? elementHtml(raw.element, blockId, { ...options, inert: true }) : ''}</div>`;
    case 'rich_text':
      return `<div class="bk-rich-text">${richTextHtml(raw, names)}</div>`;
    case 'markdown':
      return `<div class="bk-markdown">${plainTextHtml(typeof raw.text === 'string' ? raw.text : '', false)}</div>`;
    default:
      return `<div class="bk-unknown">(${escapeHtml(String(raw.type))} block)</div>`;
  }
}

/** An image, shown as its alt text: a local view fetches nothing from the places a message names. */
function imageHtml(e: Obj): string {
  return `<span class="bk-image" role="img" aria-label="${escapeHtml(String(e.alt_text ?? 'image'))}">🖼 ${escapeHtml(String(e.alt_text ?? 'image'))}</span>`;
}

function elementHtml(raw: unknown, blockId: string, options: BlockHtmlOptions): string {
  if (!isObj(raw)) return '';
  const { names } = options;
  switch (raw.type) {
    case 'button': {
      const style = raw.style === 'primary' || raw.style === 'danger' ? ` bk-${raw.style}` : '';
      const label = textObjectHtml(raw.text, names);
      const url = typeof raw.url === 'string' && /^https?:\/\//i.test(raw.url) ? raw.url : undefined;
      if (url) return `<a class="bk-button${style}" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${label}</a>`;
      const data = [
        `data-action-id="${escapeHtml(String(raw.action_id ?? ''))}"`,
        `data-block-id="${escapeHtml(blockId)}"`,
        ...(typeof raw.value === 'string' ? [`data-value="${escapeHtml(raw.value)}"`] : []),
      ].join(' ');
      return `<button type="button" class="bk-button${style}" ${data}${options.inert ? ' disabled' : ''}>${label}</button>`;
    }
    case 'image':
      return imageHtml(raw);
    case 'overflow':
      return '<span class="bk-select" aria-disabled="true">⋯</span>';
    default: {
      const placeholder = isObj(raw.placeholder) ? textObjectHtml(raw.placeholder, names) : escapeHtml(String(raw.type).replace(/_/g, ' '));
      return `<span class="bk-select" aria-disabled="true" data-action-id="${escapeHtml(String(raw.action_id ?? ''))}">${placeholder} ▾</span>`;
    }
  }
}

/** rich_text: sections, lists, quotes and preformatted runs, with their styled inline elements. */
function richTextHtml(node: Obj, names: MentionNames): string {
  const children = Array.isArray(node.elements) ? node.elements.filter(isObj) : [];
  switch (node.type) {
    case 'rich_text':
      return children.map((c) => richTextHtml(c, names)).join('');
    case 'rich_text_section':
      return `<div class="rt-section">${children.map((c) => richInline(c, names)).join('')}</div>`;
    case 'rich_text_preformatted':
      return `<pre class="mrkdwn-pre">${children.map((c) => escapeHtml(typeof c.text === 'string' ? c.text : typeof c.url === 'string' ? c.url : '')).join('')}</pre>`;
    case 'rich_text_quote':
      return `<blockquote>${children.map((c) => richInline(c, names)).join('')}</blockquote>`;
    case 'rich_text_list': {
      const tag = node.style === 'ordered' ? 'ol' : 'ul';
      return `<${tag}>${children.map((c) => `<li>${richTextHtml(c, names)}</li>`).join('')}</${tag}>`;
    }
    default:
      return richInline(node, names);
  }
}

function richInline(e: Obj, names: MentionNames): string {
  let html: string;
  switch (e.type) {
    case 'text':
      html = escapeHtml(typeof e.text === 'string' ? e.text : '').replace(/\n/g, '<br>');
      break;
    case 'link': {
      const url = typeof e.url === 'string' ? e.url : '';
      const text = escapeHtml(typeof e.text === 'string' && e.text ? e.text : url);
      html = /^(https?:\/\/|mailto:)/i.test(url) ? `<a class="link" href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer nofollow">${text}</a>` : text;
      break;
    }
    case 'user':
      html = `<span class="mention user">@${escapeHtml(names.user(String(e.user_id)) ?? String(e.user_id))}</span>`;
      break;
    case 'channel':
      html = `<span class="mention channel">#${escapeHtml(names.channel(String(e.channel_id)) ?? String(e.channel_id))}</span>`;
      break;
    case 'broadcast':
      html = `<span class="mention broadcast">@${escapeHtml(String(e.range))}</span>`;
      break;
    case 'emoji':
      html = plainTextHtml(`:${String(e.name)}:`);
      break;
    default:
      return Array.isArray(e.elements) ? richTextHtml(e, names) : '';
  }
  const style = isObj(e.style) ? e.style : {};
  if (style.code) html = `<code>${html}</code>`;
  if (style.bold) html = `<strong>${html}</strong>`;
  if (style.italic) html = `<em>${html}</em>`;
  if (style.strike) html = `<del>${html}</del>`;
  return html;
}
