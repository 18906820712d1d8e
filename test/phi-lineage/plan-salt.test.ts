// A masking plan's digest is salted per recording session: HMAC(a key derived from the masking key,
// target NUL sessionId). Gateway replicas serving one session compute the same digest (so they share
// its plan entry); another session, another target or another deployment's key gives another; the
// salt gives nothing of the masking key away; and a plan entry still verifies from itself alone.
// (masking-plan-gateway.test.ts drives two real gateway replicas serving one grant's session.)
import { createHash, createHmac } from 'node:crypto';
import { maskingPlanDigest } from '../../audit';
import { PhiMasker, type MaskContext } from '../../proxy';
import { clinicalCatalog } from './catalog-fixture';

const KEY = 'a-test-token-key-of-32-bytes-....';
const SQL = 'SELECT PATIENT_ID, REVERSE(SSN) AS S FROM CLINICAL.PHI.PATIENTS';
const masker = (key: string | undefined = KEY, target = 'clinical') =>
  new PhiMasker({ name: target, masking: {}, credentials: { provider: 'snowflake', settings: {} } } as never, key, undefined, { catalog: { get: () => ({ ...clinicalCatalog, target }) } });
const context = (sessionId?: string): MaskContext => ({ target: 'clinical', part: 'result', method: 'tools/call', tool: 'run_snowflake_query', arguments: { statement: SQL }, ...(sessionId !== undefined ? { sessionId } : {}) });
const table = () => {
  const t = { columns: ['PATIENT_ID', 'S'], rows: [[1, '0211-50-870']], rowCount: 1, truncated: false, rowLimit: 20 };
  return { content: [{ type: 'text', text: JSON.stringify(t) }], structuredContent: t };
};
const planOf = async (m: PhiMasker, sessionId?: string) => (await m.mask(table(), context(sessionId))).plan!;

describe('the salt of a plan digest, per recording session', () => {
  test('two gateway instances serving one session give the same salt and digest; the agent\'s _meta names that digest', async () => {
    const [a, b] = [masker(), masker()];
    const [onA, onB] = [await planOf(a, 'session-1'), await planOf(b, 'session-1')];
    expect(onA.salt).toBe(onB.salt);
    expect(onA.digest).toBe(onB.digest);
    const out = await b.mask(table(), context('session-1'));
    expect(((out.masked as unknown as { _meta: Record<string, { plan: string }> })._meta['gatehouse/masking'])!.plan).toBe(onA.digest);
    // Asked again (the plan and salt now kept): the same.
    expect((await planOf(a, 'session-1')).digest).toBe(onA.digest);
  });

  test('another session, another target, another masking key: another salt and digest', async () => {
    const m = masker();
    const base = await planOf(m, 'session-1');
    const others = [await planOf(m, 'session-2'), await planOf(masker(KEY, 'billing'), 'session-1'), await planOf(masker('another-key-of-32-bytes-........'), 'session-1')];
    for (const o of others) {
      expect(o.salt).not.toBe(base.salt);
      expect(o.digest).not.toBe(base.digest);
    }
    // The salt keeps the digest from confirming guesses: the same report under two sessions' salts differs.
    expect(others[0]!.report).toEqual(base.report);
  });

  test('without a session, each instance salts with its own random salt (as before)', async () => {
    const [a, b] = [await planOf(masker()), await planOf(masker())];
    expect(a.salt).not.toBe(b.salt);
    expect(a.digest).not.toBe(b.digest);
  });

  test('the salt gives nothing of the masking key away: derived under a label of its own, never the key in any form', async () => {
    const m = masker();
    const salt = (await planOf(m, 'session-1')).salt;
    expect(salt).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const forms = [KEY, Buffer.from(KEY).toString('hex'), Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('base64url')];
    for (const form of forms) {
      expect(salt).not.toContain(form.slice(0, 8));
      expect(form).not.toContain(salt.slice(0, 8));
    }
    // Not the masking key's own HMAC of the session (what a token of it would be keyed by), nor a plain hash of it.
    const direct = createHmac('sha256', KEY).update('clinical\u0000session-1').digest();
    expect(salt).not.toBe(direct.subarray(0, 18).toString('base64url'));
    expect(salt).not.toBe(createHash('sha256').update(`${KEY}clinical\u0000session-1`).digest().subarray(0, 18).toString('base64url'));
    // What it is: HMAC(HMAC(key, label), target NUL session).
    const saltKey = createHmac('sha256', KEY).update('gatehouse masking plan salts').digest();
    expect(salt).toBe(createHmac('sha256', saltKey).update('clinical\u0000session-1').digest().subarray(0, 18).toString('base64url'));
  });

  test('a plan entry verifies from itself alone: the digest is recomputed from its recorded salt and report', async () => {
    for (const sessionId of ['session-1', 'session-2', undefined]) {
      const plan = await planOf(masker(), sessionId);
      expect(maskingPlanDigest(plan.salt, plan.report)).toBe(plan.digest);
    }
  });
});
