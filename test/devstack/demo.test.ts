import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { prebuiltWorkflowBundle } from '../support/worker-bundle';

const root = join(__dirname, '../..');

// The steps `npm run demo` narrates, in order; each is printed only when the previous ones behaved.
const STEPS = [
  /^\[demo\] 1\. An agent \(agent:claims-etl\) .* asks through the REST API/,
  /^\[demo\] 2\. A person \(carol\.analyst\) types "\/access /,
  /^\[demo\] 3\. An approver \(omar\.privacy\) clicks Approve .* in the Slack thread/,
  /^\[demo\] 4\. The agent connects to the gateway with the official MCP client .* lists the tools/,
  /^\[demo\] 5\. The agent runs a query: SELECT /,
  /^\[demo\] 6\. The agent sends a write: UPDATE .* The gateway holds it/,
  /^\[demo\] 7\. The agent tries to export: COPY INTO /,
  /^\[demo\] 8\. Nobody extends the grant; it expires/,
  /^\[demo\] 9\. The agent tries one more query on its session/,
  /^\[demo\] 10\. Gatehouse revoked the Snowflake identity/,
  /^\[demo\] 11\. The worker archives the request/,
  /^\[demo\] 12\. The audit summary of req_[a-z0-9]{20}/,
  /^\[demo\] 13\. A person \(carol\.analyst\) gives an MCP client nothing but the URL /,
];

describe('npm run demo', () => {
  test('tells the whole story against the embedded stack, every step checked, and exits 0', async () => {
    // The demo makes its own state folder, config, Redis, Slack and OpenID provider.
    // Its worker runs the workflow bundle the test run built (test/support/worker-bundle.ts).
    const env = { ...process.env, ...prebuiltWorkflowBundle() };
    for (const name of ['GATEHOUSE_STATE_DIR', 'GATEHOUSE_CONFIG', 'REDIS_URL', 'SLACK_BOT_TOKEN', 'GATEHOUSE_OIDC_ISSUER']) delete env[name];
    const child = spawn(process.execPath, [join(root, 'devstack/bootstrap/run.js'), 'demo'], {
      cwd: root,
      detached: true, // its own process group, as from a terminal
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    // The demo bounds every step itself; this is the backstop that leaves no process behind.
    const backstop = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        /* already gone */
      }
    }, 560_000);
    const code = await exited;
    clearTimeout(backstop);
    const lines = stdout.split('\n');
    // On failure, the demo's own message says which step and why.
    expect({ code, said: code === 0 ? '' : `${stdout.slice(-3000)}\n${stderr.slice(-4000)}` }).toEqual({ code: 0, said: '' });
    let from = 0;
    for (const step of STEPS) {
      const at = lines.findIndex((l, i) => i >= from && step.test(l));
      expect({ step: String(step), found: at >= 0 }).toEqual({ step: String(step), found: true });
      from = at + 1;
    }
    expect(stdout).toMatch(/\[NAME\]/);
    expect(stdout).toMatch(/denied by the gateway \(-31030\)/);
    expect(stdout).toMatch(/a new session gets HTTP 401/);
    expect(stdout).toMatch(/GH_REQ_[A-Z0-9]{20} no longer exists in Snowflake/);
    expect(stdout).toMatch(/the archive verifies/);
    expect(stdout).toMatch(/the API says origin "oauth", client ghc_\S+ "Carol's notebook \(MCP client\)" \(claimed; /);
    expect(stdout).toMatch(/the client's token now gets HTTP 401/);
    expect(stdout).toMatch(/requester +carol\.analyst@example\.org \(via OAuth sign-in from an MCP client\)/);
    expect(stdout).toContain('ok: the archive and gatehouse audit show hold the sign-in (origin, client, every step) and neither the code nor the token.');
    expect(stdout).toContain('[demo] Every step behaved as described.');
    expect(stdout).toContain('[demo] Demo complete.');
    // Grant tokens, OIDC tokens, keys and Slack tokens are never printed.
    expect(stdout + stderr).not.toMatch(/ghg_[A-Za-z0-9_-]{12,}|eyJ[A-Za-z0-9_-]{20,}\.|BEGIN (RSA )?PRIVATE KEY|xoxb-/);
  }, 600_000);
});
