import { plainLength, plainWords } from './text';

/**
 * What Slack can show of a target from gatehouse.yaml, and where it will not fit whole: the
 * approvers' request message shows the description and the scope as plain_text sections. The
 * builders never exceed a limit (they clip and post the rest in the thread), so nothing here is
 * refused by Slack; these are the targets whose approvers would read a clipped scope or
 * description in the message itself. `gatehouse config check` prints them as warnings. (A name
 * always fits: the schema keeps it to 63 characters, under the picker's 150 of an option value.)
 *
 * The limit (the one the builders and the local Slack use, devstack/slack/block-kit.ts):
 *   https://docs.slack.dev/reference/block-kit/blocks/section-block (text: 3,000 characters)
 */
export const TARGET_TEXT_MAX = 3000;

/** The part of a target these checks read (policy's TargetConfig has it). */
export interface TargetShown {
  name: string;
  description?: string;
  scope?: { role: string; objects: string[] };
}

/** The Scope line the approvers read: `role R on A, B, C`. */
export function scopeText(scope: { role: string; objects: string[] }): string {
  return `role ${scope.role}${scope.objects.length ? ` on ${scope.objects.join(', ')}` : ''}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Why a target will not be shown whole in Slack (empty: it will). Each says what to do. */
export function targetFitWarnings(target: TargetShown): string[] {
  const warnings: string[] = [];
  const where = `target "${target.name}"`;
  if (target.description) {
    const n = plainLength(plainWords(target.description));
    if (n > TARGET_TEXT_MAX) {
      warnings.push(`${where}: its description is ${count(n)} characters as Slack counts them (& < > escaped); a section holds ${count(TARGET_TEXT_MAX)}, so approvers see it clipped in the request message and whole only in its thread. Shorten it to ${count(TARGET_TEXT_MAX)} or fewer.`);
    }
  }
  if (target.scope) {
    const n = plainLength(plainWords(scopeText(target.scope)));
    if (n > TARGET_TEXT_MAX) {
      warnings.push(`${where}: its scope (role ${target.scope.role} on ${count(target.scope.objects.length)} objects) is ${count(n)} characters as approvers read it; a section holds ${count(TARGET_TEXT_MAX)}, so they see it clipped in the request message and whole only in its thread. Grant a schema or a database role instead of each object, or split the target.`);
    }
  }
  return warnings;
}
