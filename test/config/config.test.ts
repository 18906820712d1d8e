import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, evaluateRequest, loadConfig, parseConfig } from '../../policy';
import { TEST_CONFIG_YAML, testConfig } from '../support/harness';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'bad.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('invalid configuration in bad.yaml');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('gatehouse.yaml', () => {
  test('the committed example is valid', () => {
    const config = loadConfig(join(__dirname, '../../gatehouse.example.yaml'));
    expect(config.targets.length).toBeGreaterThan(0);
  });

  test('durations, groups and defaults are resolved', () => {
    const config = testConfig();
    expect(config.defaults.approvalTimeout).toBe(4_000);
    expect(config.targets[0]!.maxDuration).toBe(20_000);
    expect(config.targets[0]!.commands.rowLimit).toBe(1000);
  });

  test('a missing file names the file and what to do', () => {
    expect(() => loadConfig('/nonexistent/gatehouse.yaml')).toThrow(/invalid configuration in \/nonexistent\/gatehouse.yaml:\n {2}- file not found \(set GATEHOUSE_CONFIG/);
  });

  test('YAML syntax errors give the line', () => {
    expect(problems('version: 1\ntargets: [\n  - name: x\n')[0]).toMatch(/YAML syntax: .*\(line \d+, column \d+\)/);
  });

  test('duplicate keys are refused', () => {
    expect(problems('version: 1\nversion: 1\n')[0]).toMatch(/YAML syntax: Map keys must be unique/);
  });

  test('each problem names its path', () => {
    const yaml = TEST_CONFIG_YAML.replace('maxDuration: 20s', 'maxDuration: forever').replace('channel: C0APPROVERS', 'channel: ""').replace('name: clinical', 'name: Clinical Data');
    const found = problems(yaml);
    expect(found).toEqual(expect.arrayContaining([
      'targets[0].name: use lowercase letters, digits and dashes, starting with a letter',
      'targets[0].maxDuration: duration "forever" is not a duration; write it like "90s", "30m", "8h" or "2d"',
      expect.stringMatching(/^targets\[0\]\.approvers\.channel: /),
    ]));
  });

  test('unknown fields, unknown groups, duplicate targets and impossible auto-approve rules are refused', () => {
    expect(problems(TEST_CONFIG_YAML.replace('description:', 'descripton:'))).toEqual(expect.arrayContaining([expect.stringMatching(/^targets\[0\]: Unrecognized key: "descripton"/)]));
    expect(problems(TEST_CONFIG_YAML.replace('[group:analysts]', '[group:nobody]'))).toContain('targets[0]: unknown group "nobody" (define it under groups)');
    const doubled = TEST_CONFIG_YAML + TEST_CONFIG_YAML.slice(TEST_CONFIG_YAML.indexOf('  - name: clinical'));
    expect(problems(doubled)).toContain('targets[1].name: duplicate target name "clinical"');
    expect(problems(TEST_CONFIG_YAML.replace('maxDuration: 10s', 'maxDuration: 2h'))).toContain("targets[0].autoApprove[0].maxDuration: is longer than the target's maxDuration");
  });

  test('wrong types and missing sections', () => {
    expect(problems('version: 2\ntargets: []\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^version: /), expect.stringMatching(/^targets: /)]));
    expect(problems('just a string')).toEqual([expect.stringMatching(/^\(top level\): /)]);
  });

  test('a config error from a file on disk names that file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
    const file = join(dir, 'gatehouse.yaml');
    writeFileSync(file, 'version: 1\ntargets: 3\n');
    expect(() => loadConfig(file)).toThrow(`invalid configuration in ${file}`);
  });
});

describe('request policy', () => {
  const config = testConfig();
  test('approvers never include the requester', () => {
    const verdict = evaluateRequest(config, 'Alice@Example.org', 'clinical', 5_000);
    expect(verdict.allowed && verdict.policy.approvers).toEqual(['bob@example.org']);
  });
  test('auto-approval applies only within its rule', () => {
    const short = evaluateRequest(config, 'agent:ci-nightly', 'clinical', 10_000);
    const long = evaluateRequest(config, 'agent:ci-nightly', 'clinical', 15_000);
    expect(short.allowed && short.policy.autoApproved).toBe(true);
    expect(long.allowed && long.policy.autoApproved).toBe(false);
  });
  test('a lone approver cannot be the requester', () => {
    const solo = parseConfig(TEST_CONFIG_YAML.replace('clinical-approvers: [alice@example.org, bob@example.org]', 'clinical-approvers: [alice@example.org]'));
    expect(evaluateRequest(solo, 'alice@example.org', 'clinical', 5_000)).toEqual({ allowed: false, reason: 'clinical has no approver other than alice@example.org; nobody may approve their own request' });
  });
});
