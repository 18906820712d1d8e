// The deployment guide and the env example against what they describe: the registry, the
// compose file's substitutions and the Slack app manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICE_ENVIRONMENT } from '../../lib/environment';

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const guide = read('docs/deployment.md');

describe('docs/deployment.md', () => {
  test('names every variable of the registry', () => {
    const names = new Set(Object.values(SERVICE_ENVIRONMENT).flatMap((spec) => spec.variables.map((variable) => variable.name)));
    expect([...names].filter((name) => !guide.includes(`\`${name}\``))).toEqual([]);
  });

  test('its table marks required variables as the registry does', () => {
    for (const spec of Object.values(SERVICE_ENVIRONMENT)) {
      for (const variable of spec.variables) {
        const row = guide.slice(guide.indexOf('## Every variable')).split('\n').find((line) => line.startsWith(`| \`${variable.name}\` |`));
        expect({ name: variable.name, row: Boolean(row) }).toEqual({ name: variable.name, row: true });
        const services = row!.split('|')[2]!;
        expect({ name: variable.name, service: spec.service, bold: services.includes(`**${spec.service}**`) }).toEqual({ name: variable.name, service: spec.service, bold: variable.required });
      }
    }
  });

  test('links the files it relies on, and they exist', () => {
    for (const link of ['../docker-compose.yml', '../Dockerfile', '../lib/environment.ts', '../slack-app/manifest.yaml', '../api/README.md', '../activities/credentials/snowflake/bootstrap.ts', '../devstack/snowflake/README.md', 'deployment.env.example']) {
      expect(guide).toContain(`](${link})`);
      expect(() => read(join('docs', link))).not.toThrow();
    }
  });

  test('the Slack manifest has the slash command, interactivity and the scopes the guide lists', () => {
    const manifest = parse(read('slack-app/manifest.yaml')) as {
      features: { slash_commands: { command: string; url?: string }[] };
      oauth_config: { scopes: { bot: string[] } };
      settings: { interactivity: { is_enabled: boolean; request_url?: string } };
    };
    const access = manifest.features.slash_commands.find((c) => c.command === '/access');
    expect(access?.url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.interactivity.request_url).toBe(access?.url);
    const section = guide.slice(guide.indexOf('## Slack'), guide.indexOf('## OIDC'));
    const listed = [...section.slice(section.indexOf('bot **scopes**'), section.indexOf('Replace')).matchAll(/`([a-z.:]+)`/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });
});

describe('docs/deployment.env.example', () => {
  test('lists every variable docker-compose.yml substitutes, and nothing with a value that looks secret', () => {
    const composeText = read('docker-compose.yml').split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    const substituted = new Set([...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const example = Object.fromEntries(
      read('docs/deployment.env.example').split('\n').filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect([...substituted].filter((name) => !(name in example))).toEqual([]);
    for (const [name, value] of Object.entries(example)) {
      if (/(KEY|TOKEN|SECRET|PASSWORD)$/.test(name)) expect({ name, value }).toEqual({ name, value: '' });
    }
  });
});
