/**
 * Slack's documented Block Kit limits and structure, checked the way Slack checks them, so a
 * payload the local Slack accepts is one real Slack accepts too. A violation is answered as Slack
 * answers it: `invalid_blocks` (messages) or `invalid_arguments` (views) with
 * `[ERROR] <what> [json-pointer:<where>]` in response_metadata.messages.
 *
 * Lengths are counted in UTF-16 code units (JavaScript's length): never fewer than the characters
 * Slack counts, so nothing accepted here is too long there. plain_text is counted as Slack stores
 * it, with `&`, `<` and `>` escaped (an interaction payload returns a plain_text `Answer & 1` as
 * `Answer &amp; 1`, slackapi/bolt-python#513): a plain_text of 3,000 `&` may be 15,000 characters
 * to Slack, so it is refused here. mrkdwn is counted as sent: the app escapes it itself
 * (ESCAPING https://docs.slack.dev/messaging/formatting-message-text#escaping: `&`, `<`, `>` are
 * control characters "for special parsing in text objects"; plain_text is not parsed, and the
 * TEXT page accepts formatting markup only "when type is mrkdwn").
 *
 * Sources (one per limit below):
 *   BLOCKS     https://docs.slack.dev/reference/block-kit/blocks (50 blocks a message, 100 a view; block_id 255, unique)
 *   TEXT       https://docs.slack.dev/reference/block-kit/composition-objects/text-object (1–3000; emoji only on plain_text, verbatim only on mrkdwn)
 *   SECTION    https://docs.slack.dev/reference/block-kit/blocks/section-block (text 3000, fields ≤10 of ≤2000, text or fields required)
 *   CONTEXT    https://docs.slack.dev/reference/block-kit/blocks/context-block (1–10 elements: text objects or images)
 *   ACTIONS    https://docs.slack.dev/reference/block-kit/blocks/actions-block (1–25 interactive elements)
 *   HEADER     https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text, 150)
 *   INPUT      https://docs.slack.dev/reference/block-kit/blocks/input-block (label and hint plain_text, 2000)
 *   BUTTON     https://docs.slack.dev/reference/block-kit/block-elements/button-element (text plain_text 75, action_id 255, value 2000, url 3000, style primary|danger)
 *   SELECT     https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element (placeholder 150, ≤100 options or option groups)
 *   OPTION     https://docs.slack.dev/reference/block-kit/composition-objects/option-object (text 75, value 150, description 75)
 *   TEXT_INPUT https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element (placeholder 150, min_length 0–3000, max_length 1–3000)
 *   VIEW       https://docs.slack.dev/reference/views/modal-views (title, submit, close plain_text 24; private_metadata 3000; callback_id 255; submit required with input blocks)
 *   POST       https://docs.slack.dev/reference/methods/chat.postMessage (text over 40,000 characters: msg_too_long)
 */

type Obj = Record<string, unknown>;

export const LIMITS = {
  messageBlocks: 50, // BLOCKS
  viewBlocks: 100, // BLOCKS
  blockId: 255, // BLOCKS
  text: 3000, // TEXT, SECTION
  sectionFields: 10, // SECTION
  sectionField: 2000, // SECTION
  contextElements: 10, // CONTEXT
  actionsElements: 25, // ACTIONS
  header: 150, // HEADER
  inputLabel: 2000, // INPUT
  inputHint: 2000, // INPUT
  buttonText: 75, // BUTTON
  actionId: 255, // BUTTON
  buttonValue: 2000, // BUTTON
  buttonUrl: 3000, // BUTTON
  placeholder: 150, // SELECT, TEXT_INPUT
  selectOptions: 100, // SELECT
  optionText: 75, // OPTION
  optionValue: 150, // OPTION
  optionDescription: 75, // OPTION
  textInputLength: 3000, // TEXT_INPUT
  viewTitle: 24, // VIEW
  viewButton: 24, // VIEW
  privateMetadata: 3000, // VIEW
  callbackId: 255, // VIEW
  messageText: 40_000, // POST
} as const;

const BLOCK_TYPES = ['section', 'context', 'actions', 'header', 'divider', 'input', 'image', 'rich_text', 'markdown', 'file', 'video', 'context_actions'];
const INTERACTIVE = ['button', 'static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select', 'overflow', 'datepicker', 'timepicker', 'datetimepicker', 'checkboxes', 'radio_buttons', 'multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select', 'multi_channels_select', 'workflow_button', 'rich_text_input'];
const INPUT_ELEMENTS = [...INTERACTIVE.filter((t) => !['button', 'overflow', 'workflow_button'].includes(t)), 'plain_text_input', 'email_text_input', 'url_text_input', 'number_input', 'file_input'];

/** Collects `[ERROR] … [json-pointer:…]` lines. */
class Problems {
  readonly lines: string[] = [];
  add(path: string, what: string): void {
    this.lines.push(`[ERROR] ${what} [json-pointer:${path}]`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function maxLength(p: Problems, path: string, value: unknown, max: number): void {
  if (typeof value !== 'string') return p.add(path, 'must be a string');
  if (value.length > max) p.add(path, `must be less than ${max + 1} characters`);
}

/** plain_text as Slack stores it: `&`, `<`, `>` as entities (see the module comment). */
const asStored = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A text object; `plainOnly` where Slack requires plain_text. */
function textObject(p: Problems, path: string, t: unknown, max: number, { plainOnly = false, required = true } = {}): void {
  if (t === undefined && !required) return;
  if (!isObj(t)) return p.add(path, 'must be a text object');
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return p.add(`${path}/type`, 'must be one of plain_text, mrkdwn');
  if (plainOnly && t.type !== 'plain_text') return p.add(`${path}/type`, 'must be plain_text');
  if (typeof t.text !== 'string') return p.add(`${path}/text`, 'must be a string');
  if (t.text.length < 1) p.add(`${path}/text`, 'must be more than 0 characters');
  const limit = Math.min(max, LIMITS.text);
  if (t.text.length <= limit && t.type === 'plain_text' && asStored(t.text).length > limit) p.add(`${path}/text`, `must be less than ${limit + 1} characters (plain_text counted as Slack stores it, & < > escaped)`);
  else maxLength(p, `${path}/text`, t.text, limit);
  if (t.emoji !== undefined && t.type !== 'plain_text') p.add(`${path}/emoji`, 'is only allowed on plain_text');
  if (t.verbatim !== undefined && t.type !== 'mrkdwn') p.add(`${path}/verbatim`, 'is only allowed on mrkdwn');
}

function option(p: Problems, path: string, o: unknown): void {
  if (!isObj(o)) return p.add(path, 'must be an option object');
  textObject(p, `${path}/text`, o.text, LIMITS.optionText, { plainOnly: true });
  if (typeof o.value !== 'string' || o.value.length === 0) p.add(`${path}/value`, 'must be provided');
  else maxLength(p, `${path}/value`, o.value, LIMITS.optionValue);
  textObject(p, `${path}/description`, o.description, LIMITS.optionDescription, { plainOnly: true, required: false });
}

function actionId(p: Problems, path: string, id: unknown, seen: Set<string>): void {
  if (id === undefined) return;
  if (typeof id !== 'string') return p.add(path, 'must be a string');
  maxLength(p, path, id, LIMITS.actionId);
  if (seen.has(id)) p.add(path, `action_id "${id}" is not unique within the block`);
  seen.add(id);
}

function element(p: Problems, path: string, e: unknown, allowed: string[], ids: Set<string>): void {
  if (!isObj(e)) return p.add(path, 'must be an element object');
  if (typeof e.type !== 'string' || !allowed.includes(e.type)) return p.add(`${path}/type`, `must be one of ${allowed.join(', ')}`);
  actionId(p, `${path}/action_id`, e.action_id, ids);
  switch (e.type) {
    case 'button':
      textObject(p, `${path}/text`, e.text, LIMITS.buttonText, { plainOnly: true });
      if (e.value !== undefined) maxLength(p, `${path}/value`, e.value, LIMITS.buttonValue);
      if (e.url !== undefined) maxLength(p, `${path}/url`, e.url, LIMITS.buttonUrl);
      if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') p.add(`${path}/style`, 'must be one of primary, danger');
      break;
    case 'static_select':
    case 'multi_static_select': {
      textObject(p, `${path}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true, required: false });
      const options = e.options;
      const groups = e.option_groups;
      if (options === undefined && groups === undefined) p.add(path, 'must provide options or option_groups');
      if (options !== undefined) {
        if (!Array.isArray(options) || options.length === 0) p.add(`${path}/options`, 'must provide at least 1 item');
        else if (options.length > LIMITS.selectOptions) p.add(`${path}/options`, `no more than ${LIMITS.selectOptions} items allowed`);
        else options.forEach((o, i) => option(p, `${path}/options/${i}`, o));
      }
      if (Array.isArray(groups) && groups.length > LIMITS.selectOptions) p.add(`${path}/option_groups`, `no more than ${LIMITS.selectOptions} items allowed`);
      break;
    }
    case 'external_select':
    case 'multi_external_select':
      textObject(p, `${path}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true, required: false });
      if (e.initial_option !== undefined) option(p, `${path}/initial_option`, e.initial_option);
      if (e.min_query_length !== undefined && (!Number.isInteger(e.min_query_length) || (e.min_query_length as number) < 0)) p.add(`${path}/min_query_length`, 'must be a non-negative integer');
      break;
    case 'plain_text_input':
      textObject(p, `${path}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true, required: false });
      for (const [name, min] of [['min_length', 0], ['max_length', 1]] as const) {
        const v = e[name];
        if (v !== undefined && (!Number.isInteger(v) || (v as number) < min || (v as number) > LIMITS.textInputLength)) p.add(`${path}/${name}`, `must be an integer from ${min} to ${LIMITS.textInputLength}`);
      }
      if (e.initial_value !== undefined) maxLength(p, `${path}/initial_value`, e.initial_value, LIMITS.textInputLength);
      break;
    default:
      if (e.placeholder !== undefined) textObject(p, `${path}/placeholder`, e.placeholder, LIMITS.placeholder, { plainOnly: true });
  }
}

function block(p: Problems, path: string, b: unknown, blockIds: Set<string>): void {
  if (!isObj(b)) return p.add(path, 'must be a block object');
  if (typeof b.type !== 'string' || !BLOCK_TYPES.includes(b.type)) return p.add(`${path}/type`, `must be one of ${BLOCK_TYPES.join(', ')}`);
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== 'string' || b.block_id.length === 0) p.add(`${path}/block_id`, 'must be a non-empty string');
    else {
      maxLength(p, `${path}/block_id`, b.block_id, LIMITS.blockId);
      if (blockIds.has(b.block_id)) p.add(`${path}/block_id`, `block_id "${b.block_id}" is not unique`);
      blockIds.add(b.block_id);
    }
  }
  const ids = new Set<string>();
  switch (b.type) {
    case 'section': {
      if (b.text === undefined && b.fields === undefined) p.add(path, 'must provide text or fields');
      if (b.text !== undefined) textObject(p, `${path}/text`, b.text, LIMITS.text);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0) p.add(`${path}/fields`, 'must provide at least 1 item');
        else if (b.fields.length > LIMITS.sectionFields) p.add(`${path}/fields`, `no more than ${LIMITS.sectionFields} items allowed`);
        else b.fields.forEach((f, i) => textObject(p, `${path}/fields/${i}`, f, LIMITS.sectionField));
      }
      if (b.accessory !== undefined) element(p, `${path}/accessory`, b.accessory, [...INTERACTIVE, 'image'], ids);
      break;
    }
    case 'context': {
      const els = b.elements;
      if (!Array.isArray(els) || els.length === 0) return p.add(`${path}/elements`, 'must provide at least 1 item');
      if (els.length > LIMITS.contextElements) return p.add(`${path}/elements`, `no more than ${LIMITS.contextElements} items allowed`);
      els.forEach((e, i) => (isObj(e) && e.type === 'image' ? undefined : textObject(p, `${path}/elements/${i}`, e, LIMITS.text)));
      break;
    }
    case 'actions': {
      const els = b.elements;
      if (!Array.isArray(els) || els.length === 0) return p.add(`${path}/elements`, 'must provide at least 1 item');
      if (els.length > LIMITS.actionsElements) return p.add(`${path}/elements`, `no more than ${LIMITS.actionsElements} items allowed`);
      els.forEach((e, i) => element(p, `${path}/elements/${i}`, e, INTERACTIVE, ids));
      break;
    }
    case 'header':
      textObject(p, `${path}/text`, b.text, LIMITS.header, { plainOnly: true });
      break;
    case 'input':
      textObject(p, `${path}/label`, b.label, LIMITS.inputLabel, { plainOnly: true });
      textObject(p, `${path}/hint`, b.hint, LIMITS.inputHint, { plainOnly: true, required: false });
      if (b.element === undefined) p.add(path, 'must provide element');
      else element(p, `${path}/element`, b.element, INPUT_ELEMENTS, ids);
      break;
  }
}

function blocks(p: Problems, path: string, list: unknown, max: number): void {
  if (!Array.isArray(list)) return p.add(path, 'must be an array');
  if (list.length > max) return p.add(path, `no more than ${max} items allowed`);
  const ids = new Set<string>();
  list.forEach((b, i) => block(p, `${path}/${i}`, b, ids));
}

/** Why Slack would refuse a message's blocks (empty: it would not). */
export function messageBlockProblems(list: unknown): string[] {
  const p = new Problems();
  blocks(p, '/blocks', list, LIMITS.messageBlocks);
  return p.lines;
}

/** Why Slack would refuse a view (empty: it would not). */
export function viewProblems(view: Obj): string[] {
  const p = new Problems();
  if (view.type !== 'modal' && view.type !== 'home') p.add('/view/type', 'must be one of modal, home');
  if (view.type === 'modal') {
    textObject(p, '/view/title', view.title, LIMITS.viewTitle, { plainOnly: true });
    textObject(p, '/view/submit', view.submit, LIMITS.viewButton, { plainOnly: true, required: false });
    textObject(p, '/view/close', view.close, LIMITS.viewButton, { plainOnly: true, required: false });
    if (Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input') && view.submit === undefined) p.add('/view', 'submit is required when the view has input blocks');
  }
  if (view.private_metadata !== undefined) maxLength(p, '/view/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  if (view.callback_id !== undefined) maxLength(p, '/view/callback_id', view.callback_id, LIMITS.callbackId);
  if (view.external_id !== undefined) maxLength(p, '/view/external_id', view.external_id, LIMITS.callbackId);
  if (view.blocks === undefined) p.add('/view', 'missing required field: blocks');
  else blocks(p, '/view/blocks', view.blocks, LIMITS.viewBlocks);
  return p.lines;
}

/** An options load answer (external select): at most 100 options, each a valid option. SELECT */
export function optionsProblems(answer: unknown): string[] {
  const p = new Problems();
  if (!isObj(answer)) return ['[ERROR] must be an object [json-pointer:/]'];
  const options = answer.options;
  if (options !== undefined) {
    if (!Array.isArray(options)) p.add('/options', 'must be an array');
    else if (options.length > LIMITS.selectOptions) p.add('/options', `no more than ${LIMITS.selectOptions} items allowed`);
    else options.forEach((o, i) => option(p, `/options/${i}`, o));
  }
  return p.lines;
}
