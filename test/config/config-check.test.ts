import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BLOCK_TEXT_MAX, requestMessage, targetFacts } from '../../activities/notify';
import { scopeText, targetFitWarnings, TARGET_TEXT_MAX } from '../../lib/slack';
import { parseConfig } from '../../policy';
import { edgeStatus, LONG_DESCRIPTION, scopeObjects } from '../slack/edges';

/**
 * Issue 23: `gatehouse config check` warns about targets whose scope or description Slack cannot
 * show whole in the approvers' request message (a section holds 3,000 characters; the message
 * clips and posts the rest in its thread). Bad configuration files through the real command.
 */

const BIN = resolve(__dirname, '../../bin/gatehouse.js');
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-check-'));

function yaml(targets: Array<{ name: string; description?: string; objects?: string[] }>): string {
  return `
version: 1
defaults:
  maxDuration: 1h
groups:
  approvers: [alice@example.org, bob@example.org]
targets:${targets.map((t) => `
  - name: ${t.name}
    description: ${JSON.stringify(t.description ?? 'Clinical warehouse, read-only')}
    upstream: { type: stdio, command: node, args: [server.js] }
    credentials: { provider: fake }
    ${t.objects ? `scope: { role: CLINICAL_READ, objects: ${JSON.stringify(t.objects)} }` : ''}
    requesters: [carol@example.org]
    approvers: { channel: phi-approvers, members: [group:approvers] }`).join('')}
`;
}

function check(content: string, ...flags: string[]): Promise<{ code: number | null; stdout: string; stderr: string; file: string }> {
  const file = join(dir, `gatehouse-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, content);
  const child = spawn(process.execPath, [BIN, 'config', 'check', file, ...flags], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr, file })));
}

describe('gatehouse config check', () => {
  test('a configuration whose targets fit: valid, no warning', async () => {
    const run = await check(yaml([{ name: 'clinical', objects: scopeObjects(10) }, { name: 'billing' }]));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${run.file} is valid: 2 target(s): clinical, billing\n`);
    expect(run.stderr).toBe('');
  });

  test('85 objects in scope, a 2,200-character description, and 700 `&`: one warning each, saying what to do; still valid (exit 0)', async () => {
    const run = await check(yaml([
      { name: 'wide', objects: scopeObjects(85) },
      { name: 'wordy', description: `${LONG_DESCRIPTION}${'more detail on the views. '.repeat(40)}` },
      { name: 'ampersands', description: '&'.repeat(700) },
      { name: 'fine', objects: scopeObjects(3) },
    ]));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('is valid: 4 target(s): wide, wordy, ampersands, fine');
    const warnings = run.stderr.trim().split('\n');
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^warning: target "wide": its scope \(role CLINICAL_READ on 85 objects\) is 3,080 characters as approvers read it; a section holds 3,000, so they see it clipped in the request message and whole only in its thread\. Grant a schema or a database role instead of each object, or split the target\.$/);
    expect(warnings[1]).toMatch(/^warning: target "wordy": its description is 3,\d{3} characters as Slack counts them \(& < > escaped\); a section holds 3,000, so approvers see it clipped in the request message and whole only in its thread\. Shorten it to 3,000 or fewer\.$/);
    // 700 characters as typed, 3,500 as Slack stores plain_text: a count on the raw text would miss it.
    expect(warnings[2]).toContain('target "ampersands": its description is 3,500 characters as Slack counts them');
    expect(run.stderr).not.toContain('"fine"');
  });

  test('--strict: the same warnings, and exit 3 for a CI job', async () => {
    const run = await check(yaml([{ name: 'wide', objects: scopeObjects(85) }]), '--strict');
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^warning: target "wide": its scope/);
    expect(run.stderr).toContain(`gatehouse: 1 warning(s) in ${join(dir, '')}`);
  });

  test('an invalid file is still an error with where and why (exit 3), before any warning', async () => {
    const run = await check(yaml([{ name: 'Bad Name', objects: scopeObjects(85) }]));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/targets\.0\.name|name/);
    expect(run.stderr).not.toContain('warning:');
  });
});

describe('the warnings agree with what the approvers\' message shows', () => {
  test('the same limit as the builders', () => {
    expect(TARGET_TEXT_MAX).toBe(BLOCK_TEXT_MAX);
  });

  test('at the edge: a scope the message shows whole gets no warning; one character more is clipped and warned about', () => {
    // Objects whose scope line is exactly 3,000 characters, then 3,001.
    const base = scopeText({ role: 'CLINICAL_READ', objects: ['X'] }).length - 1;
    for (const extra of [0, 1]) {
      const object = 'O'.repeat(TARGET_TEXT_MAX - base + extra);
      const config = parseConfig(yaml([{ name: 'edge', objects: [object] }]), 'edge.yaml');
      const target = config.targets[0]!;
      const message = requestMessage(edgeStatus({ target: 'edge', reason: 'r' }), (x) => x, targetFacts(target));
      const clipped = (message.full ?? []).some((f) => f.label === 'Scope');
      expect({ extra, clipped, warned: targetFitWarnings(target).length > 0 }).toEqual({ extra, clipped: extra === 1, warned: extra === 1 });
    }
  });

  test('descriptions: counted as Slack stores plain_text, exactly where the message starts clipping', () => {
    for (const [description, clippedExpected] of [['&'.repeat(600), false], ['&'.repeat(601), true], ['a'.repeat(3000), false], [`${'a'.repeat(2999)}<`, true]] as const) {
      const config = parseConfig(yaml([{ name: 'edge', description }]), 'edge.yaml');
      const target = config.targets[0]!;
      const message = requestMessage(edgeStatus({ target: 'edge', reason: 'r' }), (x) => x, targetFacts(target));
      const clipped = (message.full ?? []).some((f) => f.label === 'Target description');
      expect({ length: description.length, clipped, warned: targetFitWarnings(target).length > 0 }).toEqual({ length: description.length, clipped: clippedExpected, warned: clippedExpected });
    }
  });
});
