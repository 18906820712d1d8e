// docker-compose.yml cannot run here (no Docker engine), so it is checked against the code:
// every Gatehouse service's command against the real CLI (buildProgram()), its ports against
// the port that command listens on (computed by the code's own settings functions), its
// environment against the registry (lib/environment.ts), its dependencies against what it uses.
// Also the Dockerfile and .dockerignore. Runs with GATEHOUSE_STACK=none: nothing is started.
import './quiet-snowflake';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Command } from 'commander';
import { buildProgram } from '../../cli';
import { apiSettings } from '../../api';
import { DEFAULT_GATEWAY_PORT } from '../../proxy';
import { slackAppSettings } from '../../slack-app';
import { DEFAULT_TASK_QUEUE } from '../../lib';
import { SERVICE_ENVIRONMENT, missingEnvironment, serviceVariable, type ServiceName } from '../../lib/environment';
import { searchAttributeKeys } from '../../workflows';
import { CLI_SEARCH_ATTRIBUTE_TYPES } from '../../devstack/temporal';
import { loadConfig } from '../../policy';
import { parseSnowflakeSettings } from '../../activities/credentials/snowflake/settings';

const code = { buildProgram, apiSettings, DEFAULT_GATEWAY_PORT, slackAppSettings, DEFAULT_TASK_QUEUE, searchAttributeKeys, loadConfig };
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  entrypoint?: unknown;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  volumes?: (string | { type?: string; source?: string; target: string; read_only?: boolean })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = Object.keys(SERVICE_ENVIRONMENT) as ServiceName[];
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

/** The environment as written in the file (values not interpolated). */
function rawEnvironment(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((line) => [line.slice(0, line.includes('=') ? line.indexOf('=') : line.length), line.includes('=') ? line.slice(line.indexOf('=') + 1) : ''] as const)
    : Object.entries(env).map(([k, value]) => [k, value === null ? '' : String(value)] as const);
  return Object.fromEntries(entries);
}

/** A substitution: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}. */
const SUBSTITUTION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Sample values an operator's .env would hold, for the substitutions compose requires. */
const SAMPLE: Record<string, string> = {
  GATEHOUSE_OIDC_ISSUER: 'https://idp.example.org/',
  GATEHOUSE_OIDC_AUDIENCE: 'https://gatehouse.example.org/api',
  GATEHOUSE_API_PUBLIC_URL: 'https://gatehouse.example.org',
  GATEHOUSE_GATEWAY_PUBLIC_URL: 'https://mcp.gatehouse.example.org',
};

/** Compose's interpolation, with `$$` as a literal `$`; unset variables take SAMPLE values or "set". */
function interpolate(value: string, env: Record<string, string> = SAMPLE): string {
  return value
    .replace(SUBSTITUTION, (_m, name: string, op: string | undefined, arg: string | undefined) => {
      if (env[name] !== undefined) return env[name]!;
      if (op === ':-' || op === '-') return arg ?? '';
      return 'set';
    })
    .replace(/\$\$/g, '$');
}

const environmentOf = (svc: ComposeService) => Object.fromEntries(Object.entries(rawEnvironment(svc)).map(([k, value]) => [k, interpolate(value)]));

function commandOf(svc: ComposeService): string[] {
  if (Array.isArray(svc.command)) return svc.command.map(String);
  return (svc.command ?? '').split(/\s+/).filter(Boolean);
}

/** Parses a command with the real `gatehouse` CLI; the subcommand's action only captures its options. */
async function parseWithCli(args: string[]): Promise<{ command: Command; options: Record<string, unknown> }> {
  const program = code.buildProgram();
  const silent = { writeOut: () => undefined, writeErr: () => undefined };
  program.configureOutput(silent);
  const command = program.commands.find((c) => c.name() === args[0]);
  if (!command) throw new Error(`gatehouse has no command "${args[0]}"`);
  command.configureOutput(silent);
  let options: Record<string, unknown> | undefined;
  command.action(function (this: Command) {
    options = this.opts();
  });
  await program.parseAsync(args, { from: 'user' });
  if (!options) throw new Error(`gatehouse ${args.join(' ')} did not reach the ${args[0]} action`);
  return { command, options };
}

/** Where the service listens, from its command's options, its environment and the code's defaults. */
async function listeningAddress(name: ServiceName): Promise<{ port?: number; host: string }> {
  const svc = service(name);
  const env = environmentOf(svc);
  const { options } = await parseWithCli(commandOf(svc));
  switch (name) {
    case 'api': {
      const settings = code.apiSettings(env);
      return { port: (options.port as number | undefined) ?? settings.port, host: settings.host };
    }
    case 'slack-app': {
      const settings = code.slackAppSettings(env, options as { port?: number; host?: string });
      return { port: settings.port, host: settings.host };
    }
    case 'gateway': // proxy/run.ts startGatewayProcess
      return {
        port: (options.port as number | undefined) ?? Number(env.GATEHOUSE_GATEWAY_PORT ?? code.DEFAULT_GATEWAY_PORT),
        host: (options.host as string | undefined) ?? env.GATEHOUSE_GATEWAY_HOST ?? '127.0.0.1',
      };
    case 'worker': // worker/health.ts: --health-port, always on 127.0.0.1
      return { port: options.healthPort as number | undefined, host: '127.0.0.1' };
  }
}

function containerPorts(svc: ComposeService): number[] {
  return (svc.ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.target);
    const spec = interpolate(p).replace(/\/(tcp|udp)$/, '');
    return Number(spec.slice(spec.lastIndexOf(':') + 1));
  });
}

function dependsOn(svc: ComposeService): Record<string, string | undefined> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([d, spec]) => [d, spec?.condition]));
}

function mountTargets(svc: ComposeService): { source?: string; target: string; readOnly: boolean }[] {
  return (svc.volumes ?? []).map((v) => {
    if (typeof v === 'object') return { source: v.source, target: v.target, readOnly: Boolean(v.read_only) };
    const parts = interpolate(v).split(':');
    return { source: parts.length > 1 ? parts[0] : undefined, target: parts.length > 1 ? parts[1]! : parts[0]!, readOnly: parts[2] === 'ro' };
  });
}

/** A secret's value: only substitution with no default, or a URL whose password alone is one. */
function secretProblem(name: string, value: string): string | undefined {
  const substitutions = [...value.matchAll(SUBSTITUTION)];
  if (substitutions.length === 0) return `${name} is a literal; a secret must come from \${VAR} substitution`;
  if (substitutions.some((s) => s[2] === ':-' || s[2] === '-')) return `${name} has a default value in its substitution; a secret must not`;
  if (/^\$\{[^}]+\}$/.test(value)) return undefined;
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:(\$\{[^}]+\})@[^@]+$/.exec(value);
  if (url) return undefined;
  return `${name} mixes literal text with its substitution ("${value}"); only \${VAR} or a URL with a substituted password is allowed`;
}

describe('docker-compose.yml', () => {
  test('has the infrastructure and the four Gatehouse services, all from the one image', () => {
    for (const name of ['postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'redis', ...services]) expect(compose.services[name]).toBeDefined();
    const images = new Set(services.map((name) => service(name).image));
    expect(images.size).toBe(1);
    for (const name of services) {
      const svc = service(name);
      const context = typeof svc.build === 'string' ? svc.build : svc.build?.context;
      expect({ name, context }).toEqual({ name, context: '.' });
      expect(svc.entrypoint).toBeUndefined(); // the image's entrypoint: gatehouse
      expect(svc.env_file).toBeUndefined(); // every variable visible here, so it can be checked
    }
  });

  describe.each(services)('%s', (name) => {
    const spec = SERVICE_ENVIRONMENT[name];

    test('its command exists in the gatehouse CLI and its options parse', async () => {
      const args = commandOf(service(name));
      expect(args[0]).toBe(spec.command);
      const { command } = await parseWithCli(args);
      expect(command.name()).toBe(spec.command);
    });

    test('it listens where its ports and healthcheck point', async () => {
      const svc = service(name);
      const { port, host } = await listeningAddress(name);
      expect(port).toEqual(expect.any(Number));
      const published = containerPorts(svc);
      if (name === 'worker') {
        // The health endpoint is loopback-only: probed inside the container, never published.
        expect(published).toEqual([]);
      } else {
        expect(published.length).toBeGreaterThan(0);
        for (const p of published) expect({ name, container: p }).toEqual({ name, container: port });
        // Loopback inside a container is unreachable through a published port.
        expect(['0.0.0.0', '::']).toContain(host);
      }
      const test = svc.healthcheck?.test;
      const probe = Array.isArray(test) ? test.join(' ') : String(test);
      expect(probe).toContain(`http://127.0.0.1:${port}${spec.listens!.healthPath}`);
    });

    test('its environment sets what the service requires and only what it accepts', () => {
      const env = environmentOf(service(name));
      expect(missingEnvironment(name, env)).toEqual([]);
      const unknown = Object.keys(env).filter((variable) => !serviceVariable(name, variable));
      expect(unknown).toEqual([]);
    });

    test('its secrets come only from ${VAR} substitution', () => {
      const raw = rawEnvironment(service(name));
      const problems = Object.entries(raw)
        .filter(([variable]) => serviceVariable(name, variable)?.secret)
        .map(([variable, value]) => secretProblem(variable, value))
        .filter(Boolean);
      expect(problems).toEqual([]);
    });

    test('it depends on what it uses, and reaches it by its service name', () => {
      const svc = service(name);
      const deps = dependsOn(svc);
      const env = environmentOf(svc);
      if (spec.uses.includes('temporal')) {
        // temporal-setup waits for a healthy Temporal and registers the namespace and search attributes.
        expect(deps['temporal-setup']).toBe('service_completed_successfully');
        expect(dependsOn(service('temporal-setup')).temporal).toBe('service_healthy');
        expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      }
      if (spec.uses.includes('redis')) {
        expect(deps.redis).toBe('service_healthy');
        const url = new URL(env.REDIS_URL!);
        expect([url.hostname, url.port || '6379']).toEqual(['redis', '6379']);
        expect(url.password).not.toBe(''); // Redis is started with requirepass
      } else {
        expect(deps.redis).toBeUndefined();
        expect(env.REDIS_URL).toBeUndefined();
      }
    });

    test('it reads gatehouse.yaml from a read-only mount', () => {
      const svc = service(name);
      const mount = mountTargets(svc).find((m) => m.target === environmentOf(svc).GATEHOUSE_CONFIG);
      expect(mount).toMatchObject({ readOnly: true });
    });
  });

  test('every secret anywhere in the file is substituted, never written', () => {
    const looksSecret = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|_KEY|AUTH)$/;
    const problems: string[] = [];
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(rawEnvironment(svc))) {
        if (!looksSecret.test(variable)) continue;
        const problem = secretProblem(variable, value);
        if (problem) problems.push(`${name}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('every $ is a substitution (${...}) or escaped ($$): compose would interpolate a bare $NAME', () => {
    const bare = read('docker-compose.yml').split('\n')
      .map((line, i) => ({ line, n: i + 1 }))
      .filter(({ line }) => !line.trimStart().startsWith('#') && /(?<!\$)\$(?![{$])/.test(line.replace(/\$\$/g, '')))
      .map(({ n, line }) => `${n}: ${line.trim()}`);
    expect(bare).toEqual([]);
  });

  test('the services share the keys, the namespace and the task queue', () => {
    const raw = Object.fromEntries(services.map((name) => [name, rawEnvironment(service(name))]));
    for (const variable of ['GATEHOUSE_ENCRYPTION_KEY', 'GATEHOUSE_GRANT_TOKEN_KEY', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_ADDRESS']) {
      const values = new Set(services.filter((name) => raw[name]![variable] !== undefined).map((name) => raw[name]![variable]));
      expect({ variable, distinct: values.size }).toEqual({ variable, distinct: 1 });
    }
    expect(environmentOf(service('worker')).TEMPORAL_TASK_QUEUE).toBe(code.DEFAULT_TASK_QUEUE);
    for (const name of ['worker', 'api', 'gateway'] as const) expect(raw[name]!.GATEHOUSE_ENCRYPTION_KEY).toBeDefined();
    // The API hands out <gateway URL>/mcp/<target>: the URL the gateway itself is told it has.
    expect(raw.api!.GATEHOUSE_GATEWAY_URL).toBe(raw.gateway!.GATEHOUSE_GATEWAY_PUBLIC_URL);
  });

  test('the worker writes archives where the API reads them, and signs with a key only it holds', () => {
    const worker = service('worker');
    const api = service('api');
    const dir = environmentOf(worker).GATEHOUSE_ARCHIVE_DIR;
    expect(environmentOf(api).GATEHOUSE_ARCHIVE_DIR).toBe(dir);
    const workerMount = mountTargets(worker).find((m) => m.target === dir);
    const apiMount = mountTargets(api).find((m) => m.target === dir);
    expect(workerMount?.source).toBeDefined();
    expect(apiMount).toEqual({ ...workerMount, readOnly: true });
    expect(Object.keys(compose.volumes ?? {})).toContain(workerMount!.source);
    for (const name of ['api', 'gateway', 'slack-app']) {
      expect(rawEnvironment(service(name)).GATEHOUSE_ARCHIVE_SIGNING_KEY).toBeUndefined();
    }
  });

  test('the worker has the broker key every snowflake target of the example configuration names', () => {
    const config = code.loadConfig(join(root, 'gatehouse.example.yaml'));
    const env = environmentOf(service('worker'));
    const names = config.targets
      .filter((t) => t.credentials.provider === 'snowflake')
      .map((t) => parseSnowflakeSettings(t.name, t.credentials.settings as Record<string, unknown>).brokerPrivateKeyEnv);
    expect(names.length).toBeGreaterThan(0);
    for (const variable of names) expect(env[variable]).toBeTruthy();
  });

  test('Temporal runs on PostgreSQL, with its UI and the search attributes the workflow upserts', () => {
    const temporal = service('temporal');
    const postgres = service('postgresql');
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:\d/);
    const tenv = rawEnvironment(temporal);
    expect(tenv.DB).toBe('postgres12');
    expect(compose.services[tenv.POSTGRES_SEEDS!]).toBe(postgres);
    expect(postgres.image).toMatch(/^postgres:\d/);
    expect(tenv.POSTGRES_PWD).toBe(rawEnvironment(postgres).POSTGRES_PASSWORD);
    expect(mountTargets(postgres).map((m) => m.target)).toContain('/var/lib/postgresql/data');
    expect(dependsOn(temporal).postgresql).toBe('service_healthy');
    expect(temporal.healthcheck?.test).toBeDefined();

    const ui = service('temporal-ui');
    expect(ui.image).toMatch(/^temporalio\/ui:\d/);
    expect(rawEnvironment(ui).TEMPORAL_ADDRESS).toBe('temporal:7233');

    const setup = service('temporal-setup');
    const script = commandOf(setup).join(' ');
    expect(rawEnvironment(setup).NAMESPACE).toBe(rawEnvironment(service('worker')).TEMPORAL_NAMESPACE);
    for (const key of code.searchAttributeKeys) {
      expect(script).toContain(`${key.name}:${CLI_SEARCH_ATTRIBUTE_TYPES[key.type]}`);
    }
    expect(script).toContain('--type "$$type"');
  });

  test('Redis persists (append-only file on a volume), never evicts, and needs a password', () => {
    const redis = service('redis');
    const command = commandOf(redis).join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--requirepass/);
    const data = mountTargets(redis).find((m) => m.target === '/data');
    expect(Object.keys(compose.volumes ?? {})).toContain(data?.source);
    expect(redis.healthcheck?.test).toBeDefined();
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n').replace(/\\\n/g, ' ');

  test('node 20, production dependencies only, the gatehouse command as entrypoint', () => {
    expect(instructions).toMatch(/^FROM node:20[-.\w]*$/m);
    expect(instructions).toMatch(/npm ci --omit=dev/);
    expect(instructions).toMatch(/ln -s \/app\/bin\/gatehouse\.js \/usr\/local\/bin\/gatehouse/);
    expect(instructions).toMatch(/^ENTRYPOINT \["gatehouse"\]$/m);
    expect(instructions).toMatch(/^USER node$/m);
    // bin/gatehouse.js runs the sources through tsx, which must be a production dependency.
    expect(read('bin/gatehouse.js')).toMatch(/require\('tsx\/cjs'\)/);
    expect((JSON.parse(read('package.json')) as { dependencies: Record<string, string> }).dependencies.tsx).toBeDefined();
  });

  test('the variables it sets are ones the services read', () => {
    const names = [...instructions.matchAll(/^ENV (.+)$/gm)].flatMap((m) => [...m[1]!.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((n) => n[1]!));
    expect(names).toEqual(expect.arrayContaining(['GATEHOUSE_STATE_DIR', 'GATEHOUSE_CONFIG']));
    for (const name of names.filter((n) => n !== 'NODE_ENV')) {
      expect({ name, readBy: services.some((svc) => serviceVariable(svc, name)) }).toEqual({ name, readBy: true });
    }
    for (const svc of services) expect(serviceVariable(svc, 'GATEHOUSE_CONFIG')).toBeDefined();
  });

  test('.dockerignore keeps state, secrets and the host\'s node_modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.git', '.gatehouse', 'node_modules', '.env', '*.pem', 'gatehouse.yaml']) expect(ignored).toContain(entry);
  });
});
