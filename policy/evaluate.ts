import type { GatehouseConfig, TargetConfig } from './config-schema';
import type { RequestPolicy } from '../workflows';
import { formatDuration } from '../lib';

export type Evaluation = { allowed: true; policy: RequestPolicy } | { allowed: false; reason: string };

export function normalizeSubject(subject: string): string {
  return subject.trim().toLowerCase();
}

/** Expands "group:x" references; "*" stands for any authenticated subject. */
export function expandPrincipals(config: GatehouseConfig, refs: string[]): string[] {
  const out = new Set<string>();
  const visit = (ref: string, depth: number) => {
    if (ref.startsWith('group:')) {
      if (depth > 8) return;
      for (const member of config.groups[ref.slice(6)] ?? []) visit(member, depth + 1);
    } else {
      out.add(normalizeSubject(ref));
    }
  };
  refs.forEach((ref) => visit(ref, 0));
  return [...out];
}

export function isPrincipal(config: GatehouseConfig, subject: string, refs: string[]): boolean {
  const members = expandPrincipals(config, refs);
  return members.includes('*') || members.includes(normalizeSubject(subject));
}

export function findTarget(config: GatehouseConfig, name: string): TargetConfig | undefined {
  return config.targets.find((t) => t.name === name);
}

/** Targets this subject may request (for pickers and help texts). */
export function requestableTargets(config: GatehouseConfig, subject: string): TargetConfig[] {
  return config.targets.filter((t) => isPrincipal(config, subject, t.requesters));
}

/**
 * Decides whether `subject` may ask for `targetName` for `durationMs`, and fixes the policy the
 * workflow will apply. The snapshot goes into workflow history, so an auditor sees the rules
 * that governed the request even after gatehouse.yaml changes.
 */
export function evaluateRequest(config: GatehouseConfig, subject: string, targetName: string, durationMs: number): Evaluation {
  const target = findTarget(config, targetName);
  if (!target) {
    const known = config.targets.map((t) => t.name).join(', ');
    return { allowed: false, reason: `unknown target "${targetName}" (known targets: ${known})` };
  }
  if (!isPrincipal(config, subject, target.requesters)) {
    return { allowed: false, reason: `${subject} may not request access to ${target.name}` };
  }
  const maxDurationMs = target.maxDuration ?? config.defaults.maxDuration;
  if (!(durationMs > 0)) return { allowed: false, reason: 'duration must be positive' };
  if (durationMs > maxDurationMs) {
    return { allowed: false, reason: `${formatDuration(durationMs)} is longer than ${target.name} allows (at most ${formatDuration(maxDurationMs)})` };
  }
  const approvers = expandPrincipals(config, target.approvers.members).filter((a) => a !== normalizeSubject(subject));
  const autoApproved = target.autoApprove.some((rule) => durationMs <= rule.maxDuration && isPrincipal(config, subject, rule.requesters));
  if (approvers.length === 0 && !autoApproved) {
    return { allowed: false, reason: `${target.name} has no approver other than ${subject}; nobody may approve their own request` };
  }
  return {
    allowed: true,
    policy: {
      target: target.name,
      approverChannel: target.approvers.channel,
      approvers,
      maxDurationMs,
      autoApproved,
      approvalTimeoutMs: config.defaults.approvalTimeout,
      commandApprovalTimeoutMs: target.commands.approvalTimeout ?? config.defaults.commandApprovalTimeout,
      maxHeldCommands: target.commands.maxHeld,
      expiringSoonWarningMs: config.defaults.expiringSoonWarning,
    },
  };
}
