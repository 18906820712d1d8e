// The environment registry (lib/environment.ts) against the code: every GATEHOUSE_, SLACK_,
// TEMPORAL_ or REDIS_ variable that a service's sources read must be listed for that service,
// and every listed variable must still be read (unless the registry says it is read indirectly).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { missingEnvironment, SERVICE_ENVIRONMENT, type ServiceName } from '../../lib/environment';

const root = join(__dirname, '..', '..');
const PREFIX = /^(GATEHOUSE|SLACK|TEMPORAL|REDIS)_/;
/** `env.NAME`, `env['NAME']`, `process.env.NAME` (also `options.env.NAME`, `deps.env[...]`). */
const READ = /\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"`]([A-Z][A-Z0-9_]*)['"`]\s*\])/g;

function sourceFiles(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || child === join('phi', 'eval') ? [] : sourceFiles(child);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [join(root, child)] : [];
  });
}

/** Variables a file reads, with where; an assignment (`env.X = ...`, the gateway building an upstream's environment) is not a read. */
export function envReads(text: string): { name: string; index: number }[] {
  const reads: { name: string; index: number }[] = [];
  for (const match of text.matchAll(READ)) {
    const name = match[1] ?? match[2]!;
    const after = text.slice(match.index + match[0].length);
    if (/^\s*=(?!=)/.test(after)) continue;
    reads.push({ name, index: match.index });
  }
  return reads;
}

function readsOf(service: ServiceName): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of SERVICE_ENVIRONMENT[service].sources.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const { name, index } of envReads(text)) {
      if (!PREFIX.test(name)) continue;
      const line = text.slice(0, index).split('\n').length;
      found.set(name, [...(found.get(name) ?? []), `${relative(root, file)}:${line}`]);
    }
  }
  return found;
}

const services = Object.keys(SERVICE_ENVIRONMENT) as ServiceName[];

describe('the environment registry (lib/environment.ts)', () => {
  test('the scanner finds reads in every spelling and skips assignments', () => {
    const text = "a = process.env.GATEHOUSE_A; b = env['SLACK_B']; c = deps.env[\"TEMPORAL_C\"]; env.GATEHOUSE_SET = 'x'; if (env.REDIS_D == null) {}";
    expect(envReads(text).map((r) => r.name)).toEqual(['GATEHOUSE_A', 'SLACK_B', 'TEMPORAL_C', 'REDIS_D']);
  });

  test.each(services)('%s: its sources exist and are scanned', (service) => {
    for (const path of SERVICE_ENVIRONMENT[service].sources) expect(() => statSync(join(root, path))).not.toThrow();
    expect(SERVICE_ENVIRONMENT[service].sources.flatMap(sourceFiles).length).toBeGreaterThan(3);
  });

  test.each(services)('%s: every variable its code reads is listed', (service) => {
    const listed = new Set(SERVICE_ENVIRONMENT[service].variables.map((variable) => variable.name));
    const unlisted = [...readsOf(service)].filter(([name]) => !listed.has(name)).map(([name, where]) => `${name} (${where.join(', ')})`);
    expect(unlisted).toEqual([]);
  });

  test.each(services)('%s: every listed variable is still read (or marked indirect)', (service) => {
    const reads = readsOf(service);
    const stale = SERVICE_ENVIRONMENT[service].variables
      .filter((variable) => PREFIX.test(variable.name) && !variable.indirect && !reads.has(variable.name))
      .map((variable) => variable.name);
    expect(stale).toEqual([]);
  });

  test.each(services)('%s: names are unique, described, and groups name listed variables', (service) => {
    const spec = SERVICE_ENVIRONMENT[service];
    const names = spec.variables.map((variable) => variable.name);
    expect(new Set(names).size).toBe(names.length);
    for (const variable of spec.variables) expect(variable.description.length).toBeGreaterThan(10);
    for (const name of spec.requiredOneOf.flat()) expect(names).toContain(name);
    expect(spec.command).toBe(service);
  });

  test('the keys and tokens are secrets wherever they are listed', () => {
    const secrets = ['GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_GRANT_TOKEN_KEY', 'GATEHOUSE_ARCHIVE_SIGNING_KEY', 'GATEHOUSE_SNOWFLAKE_BROKER_KEY', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'GATEHOUSE_OIDC_INTROSPECTION_CLIENT_SECRET', 'REDIS_URL'];
    for (const service of services) {
      for (const variable of SERVICE_ENVIRONMENT[service].variables) {
        if (secrets.includes(variable.name)) expect({ service, name: variable.name, secret: variable.secret }).toEqual({ service, name: variable.name, secret: true });
      }
    }
  });

  test('missingEnvironment names required variables and unmet alternatives', () => {
    expect(missingEnvironment('slack-app', {})).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET or SLACK_APP_TOKEN', 'GATEHOUSE_PAYLOAD_KEYS or GATEHOUSE_PAYLOAD_ENCRYPTION']);
    expect(missingEnvironment('slack-app', { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', GATEHOUSE_PAYLOAD_KEYS: 'k1:x' })).toEqual([]);
    expect(missingEnvironment('gateway', { GATEHOUSE_ENCRYPTION_KEY: 'k', GATEHOUSE_PAYLOAD_ENCRYPTION: 'off' })).toEqual(['GATEHOUSE_GRANT_TOKEN_KEY']);
  });
});
