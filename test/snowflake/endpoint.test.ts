import './quiet';
import { gzipSync } from 'node:zlib';
import { rmSync } from 'node:fs';
import { startLocalSnowflake, type LocalSnowflake } from '../../devstack/snowflake';
import { eventually } from '../support/eventually';
import { connect, connectAdmin, connectWithKey, errorCode, newKeyPair, tempDir, type Driver } from './support';

describe('the local Snowflake endpoint, through the unmodified snowflake-sdk', () => {
  let sf: LocalSnowflake;
  let admin: Driver;
  const dir = tempDir();
  const analyst = newKeyPair();

  beforeAll(async () => {
    sf = await startLocalSnowflake({ dataDir: dir, seed: { seed: 11, patients: 30 }, adminPassword: 'local-admin-pw', sessionTokenValiditySeconds: 2 });
    admin = await connectAdmin(sf);
    await admin.query(`CREATE USER ANALYST_1 TYPE = SERVICE RSA_PUBLIC_KEY = '${analyst.publicKey}' DEFAULT_ROLE = CLINICAL_ANALYST DEFAULT_WAREHOUSE = ANALYTICS_WH DEFAULT_NAMESPACE = 'CLINICAL.PHI'`);
    await admin.query('GRANT ROLE CLINICAL_ANALYST TO USER ANALYST_1');
  });
  afterAll(async () => {
    await admin?.close();
    await sf?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('password login for the bootstrap admin; a wrong password is 390100', async () => {
    expect(await admin.query('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R')).toEqual([{ U: 'ADMIN', R: 'ACCOUNTADMIN' }]);
    expect(await errorCode(connect(sf, { username: 'ADMIN', password: 'nope' }))).toBe('390100');
    expect(await errorCode(connect(sf, { username: 'NOBODY', password: 'nope' }))).toBe('390100');
  });

  test('every type round-trips as the driver decodes it', async () => {
    const [row] = await admin.query(`SELECT
      42 AS I, -7::NUMBER(38,0) AS NEG, 12345.67::NUMBER(10,2) AS DEC, 1.25::DOUBLE AS R, 'héllo ''q''' AS T, TRUE AS B, FALSE AS B2,
      '2024-02-29'::DATE AS D, '1969-07-20'::DATE AS OLD, '13:14:15.5'::TIME AS TM,
      '2024-01-02 03:04:05.123'::TIMESTAMP_NTZ AS NTZ, '2024-01-02 03:04:05.123+02:00'::TIMESTAMP_LTZ AS LTZ,
      TO_TIMESTAMP_TZ('2024-01-02 03:04:05.123-05:30') AS TZ,
      PARSE_JSON('{"a":[1,2],"b":"x"}') AS V, [1, 2, 3] AS ARR, {'k': 'v', 'n': 1} AS OBJ, TO_BINARY('CAFE') AS BIN, NULL AS N`);
    const r = row!;
    expect(r.I).toBe(42);
    expect(r.NEG).toBe(-7);
    expect(r.DEC).toBe(12345.67);
    expect(r.R).toBe(1.25);
    expect(r.T).toBe("héllo 'q'");
    expect(r.B).toBe(true);
    expect(r.B2).toBe(false);
    expect((r.D as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect((r.OLD as Date).toISOString()).toBe('1969-07-20T00:00:00.000Z');
    expect(String(r.TM)).toBe('13:14:15');
    expect((r.NTZ as Date).toISOString()).toBe('2024-01-02T03:04:05.123Z');
    expect((r.LTZ as Date).toISOString()).toBe('2024-01-02T01:04:05.123Z');
    expect((r.TZ as Date).toISOString()).toBe('2024-01-02T08:34:05.123Z');
    expect((r.TZ as unknown as { getTimezone(): number }).getTimezone()).toBe(-330);
    expect(JSON.stringify(r.TZ)).toBe('"2024-01-02 03:04:05.123 -0530"');
    expect(r.V).toEqual({ a: [1, 2], b: 'x' });
    expect(r.ARR).toEqual([1, 2, 3]);
    expect(r.OBJ).toEqual({ k: 'v', n: 1 });
    expect(Buffer.isBuffer(r.BIN) && (r.BIN as Buffer).toString('hex')).toBe('cafe');
    expect(r.N).toBeNull();
  });

  test('bindings: ? and :n, every bind type, array binds for multi-row inserts', async () => {
    expect(await admin.query('SELECT ?::INT + 1 AS X, ? AS S, ? AS B, ?::DOUBLE AS F, ? AS N', [41, "it's", true, 2.5, null])).toEqual([
      { X: 42, S: "it's", B: true, F: 2.5, N: null },
    ]);
    expect(await admin.query('SELECT :2 AS SECOND, :1 AS FIRST', ['a', 'b'])).toEqual([{ SECOND: 'b', FIRST: 'a' }]);
    await admin.query('CREATE DATABASE SCRATCH');
    await admin.query('CREATE TABLE SCRATCH.PUBLIC.T (ID NUMBER(38,0), NAME VARCHAR)');
    const { statement } = await admin.statement('INSERT INTO SCRATCH.PUBLIC.T VALUES (?, ?)', [[1, 'one'], [2, 'two'], [3, 'three']]);
    expect(statement.getNumUpdatedRows()).toBe(3);
    expect(await admin.query('SELECT NAME FROM SCRATCH.PUBLIC.T WHERE ID = ?', [2])).toEqual([{ NAME: 'two' }]);
    const updated = await admin.statement('UPDATE SCRATCH.PUBLIC.T SET NAME = ? WHERE ID >= ?', ['many', 2]);
    expect(updated.statement.getNumUpdatedRows()).toBe(2);
    // describeOnly never changes data.
    await new Promise<void>((resolve, reject) =>
      admin.connection.execute({ sqlText: 'DELETE FROM SCRATCH.PUBLIC.T', describeOnly: true, complete: (e) => (e ? reject(e) : resolve()) }),
    );
    expect(await admin.query('SELECT COUNT(*) AS N FROM SCRATCH.PUBLIC.T')).toEqual([{ N: 3 }]);
  });

  test('errors come back in Snowflake\'s shape with its codes', async () => {
    expect(await errorCode(admin.query('SELEC 1'))).toBe('001003');
    expect(await errorCode(admin.query('SELECT * FROM CLINICAL.PHI.NO_SUCH_TABLE'))).toBe('002003');
    expect(await errorCode(admin.query('SELECT 1; SELECT 2'))).toBe('000008');
    const error = await admin.query('SELECT * FROM CLINICAL.PHI.NOPE').catch((e: { sqlState?: string; message: string }) => e);
    expect(error).toMatchObject({ sqlState: '42S02' });
    expect((error as Error).message).toContain("NOPE' does not exist or not authorized");
  });

  test('plain and gzip request bodies are both accepted; protocol errors never answer 5xx', async () => {
    const body = JSON.stringify({ data: { ACCOUNT_NAME: 'GATEHOUSE-DEV', LOGIN_NAME: 'ADMIN', PASSWORD: 'local-admin-pw' } });
    const plain = await fetch(`${sf.url}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await plain.json()).toMatchObject({ success: true, data: { sessionInfo: { roleName: 'ACCOUNTADMIN' } } });
    const gzip = await fetch(`${sf.url}/session/v1/login-request`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(body) });
    const login = (await gzip.json()) as { success: boolean; data: { token: string; parameters: { name: string }[] } };
    expect(login.success).toBe(true);
    expect(login.data.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['TIMEZONE', 'TIMESTAMP_NTZ_OUTPUT_FORMAT', 'BINARY_OUTPUT_FORMAT', 'DATE_OUTPUT_FORMAT', 'TIME_OUTPUT_FORMAT']));
    const bad = await fetch(`${sf.url}/queries/v1/query-request`, { method: 'POST', headers: { authorization: 'Snowflake Token="forged"' }, body: '{"sqlText":"select 1"}' });
    expect(bad.status).toBe(200);
    expect(await bad.json()).toMatchObject({ success: false, code: '390104' });
  });

  test('session tokens are renewed with the master token when they expire', async () => {
    const before = sf.stats.renewals;
    // Every query succeeds, before and after the session token expires; one after it renews.
    await eventually(async () => {
      expect(await admin.query('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
      return sf.stats.renewals > before;
    }, 'the session token to expire and be renewed');
  });

  test('heartbeat, asynchronous execution, query status and results by query id', async () => {
    expect(await admin.connection.isValidAsync()).toBe(true);
    const queryId = await new Promise<string>((resolve, reject) =>
      admin.connection.execute({ sqlText: 'SELECT COUNT(*) AS N FROM CLINICAL.PHI.PATIENTS', asyncExec: true, complete: (e, stmt) => (e ? reject(e) : resolve(stmt.getQueryId())) }),
    );
    expect(await admin.connection.getQueryStatus(queryId)).toBe('SUCCESS');
    const rows = await new Promise<unknown[]>((resolve, reject) => {
      void admin.connection.getResultsFromQueryId({ queryId, complete: (e: unknown, _s: unknown, r?: unknown[]) => (e ? reject(e) : resolve(r ?? [])) } as never);
    });
    expect(rows).toEqual([{ N: 30 }]);
  });

  test('key-pair login is verified for real: the right key logs in, any other key is 390144', async () => {
    const me = await connectWithKey(sf, 'ANALYST_1', analyst.privateKey);
    expect(await me.query('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R, CURRENT_DATABASE() AS D, CURRENT_SCHEMA() AS S')).toEqual([
      { U: 'ANALYST_1', R: 'CLINICAL_ANALYST', D: 'CLINICAL', S: 'PHI' },
    ]);
    await me.close();
    expect(await errorCode(connectWithKey(sf, 'ANALYST_1', newKeyPair().privateKey))).toBe('390144');
    expect(await errorCode(connectWithKey(sf, 'NOBODY', analyst.privateKey))).toBe('390144');
    // A role the user does not hold cannot be asked for at login.
    expect(await errorCode(connectWithKey(sf, 'ANALYST_1', analyst.privateKey, { role: 'BILLING_ANALYST' }))).toBe('390189');
  });

  test('the second key (RSA_PUBLIC_KEY_2) works for rotation', async () => {
    const second = newKeyPair();
    await admin.query(`ALTER USER ANALYST_1 SET RSA_PUBLIC_KEY_2 = '${second.publicKey}'`);
    const me = await connectWithKey(sf, 'ANALYST_1', second.privateKey);
    await me.close();
    await admin.query('ALTER USER ANALYST_1 UNSET RSA_PUBLIC_KEY_2');
    expect(await errorCode(connectWithKey(sf, 'ANALYST_1', second.privateKey))).toBe('390144');
  });

  test('a role reads what it is granted and nothing else, wherever the table appears', async () => {
    const me = await connectWithKey(sf, 'ANALYST_1', analyst.privateKey);
    try {
      expect((await me.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]!.N).toBe(30);
      expect((await me.query('SELECT p.MRN, e.ENCOUNTER_TYPE FROM CLINICAL.PHI.PATIENTS p JOIN ENCOUNTERS e USING (PATIENT_ID) LIMIT 1')).length).toBe(1);
      // A CTE named like a table is the CTE, not the table.
      expect(await me.query('WITH CLAIMS AS (SELECT 1 AS X) SELECT X FROM CLAIMS')).toEqual([{ X: 1 }]);
      const denied = [
        'SELECT * FROM CLINICAL.BILLING.CLAIMS',
        'SELECT * FROM PATIENTS p JOIN CLINICAL.BILLING.CLAIMS c ON c.PATIENT_ID = p.PATIENT_ID',
        'SELECT * FROM PATIENTS WHERE PATIENT_ID IN (SELECT PATIENT_ID FROM CLINICAL.BILLING.CLAIMS)',
        'WITH c AS (SELECT * FROM CLINICAL.BILLING.CLAIMS) SELECT * FROM c',
        'SELECT (SELECT MAX(AMOUNT) FROM CLINICAL.BILLING.CLAIMS) AS M',
        'SELECT MRN FROM PATIENTS UNION ALL SELECT MEMBER_ID FROM CLINICAL.BILLING.CLAIMS',
      ];
      for (const sql of denied) expect([sql, await errorCode(me.query(sql))]).toEqual([sql, '002003']);
      // INFORMATION_SCHEMA lists only what the role holds a privilege on.
      expect((await me.query('SELECT TABLE_NAME FROM information_schema.tables ORDER BY 1')).map((r) => r.TABLE_NAME)).toEqual(['CLINICAL_NOTES', 'DIAGNOSES', 'ENCOUNTERS', 'PATIENTS']);
      expect(await errorCode(me.query(`SELECT * FROM read_csv('/etc/passwd')`))).toBe('002140');
      // Visible (SELECT) but not writable: insufficient privileges.
      expect(await errorCode(me.query(`INSERT INTO PATIENTS (PATIENT_ID) VALUES (999)`))).toBe('003001');
      expect(await errorCode(me.query(`DELETE FROM PATIENTS`))).toBe('003001');
      expect(await errorCode(me.query(`CREATE USER EVIL`))).toBe('003001');
      expect(await errorCode(me.query(`GRANT ROLE BILLING_ANALYST TO USER ANALYST_1`))).toBe('003001');
      expect(await errorCode(me.query('USE ROLE ACCOUNTADMIN'))).toBe('003013');
    } finally {
      await me.close();
    }
  });

  test('writes need the privilege on the target and SELECT on every other table they read', async () => {
    await admin.query('CREATE SCHEMA IF NOT EXISTS CLINICAL.WORK');
    await admin.query('CREATE TABLE CLINICAL.WORK.COHORT (PATIENT_ID NUMBER(38,0), LABEL VARCHAR)');
    await admin.query('GRANT USAGE ON SCHEMA CLINICAL.WORK TO ROLE CLINICAL_ANALYST');
    await admin.query('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE CLINICAL.WORK.COHORT TO ROLE CLINICAL_ANALYST');
    const me = await connectWithKey(sf, 'ANALYST_1', analyst.privateKey);
    try {
      expect((await me.statement('INSERT INTO CLINICAL.WORK.COHORT SELECT PATIENT_ID, MRN FROM PATIENTS WHERE PATIENT_ID <= 5')).statement.getNumUpdatedRows()).toBe(5);
      expect((await me.statement("UPDATE CLINICAL.WORK.COHORT SET LABEL = (SELECT MAX(LAST_NAME) FROM PATIENTS) WHERE PATIENT_ID IN (SELECT PATIENT_ID FROM ENCOUNTERS)")).statement.getNumUpdatedRows()).toBe(5);
      expect((await me.statement('DELETE FROM CLINICAL.WORK.COHORT c USING PATIENTS p WHERE c.PATIENT_ID = p.PATIENT_ID AND p.PATIENT_ID = 1')).statement.getNumUpdatedRows()).toBe(1);
      const denied = [
        'INSERT INTO CLINICAL.WORK.COHORT SELECT PATIENT_ID, MEMBER_ID FROM CLINICAL.BILLING.CLAIMS',
        'UPDATE CLINICAL.WORK.COHORT SET LABEL = (SELECT MAX(MEMBER_ID) FROM CLINICAL.BILLING.CLAIMS)',
        'UPDATE CLINICAL.WORK.COHORT SET LABEL = x.MEMBER_ID FROM CLINICAL.BILLING.CLAIMS x WHERE x.PATIENT_ID = COHORT.PATIENT_ID',
        'UPDATE CLINICAL.WORK.COHORT SET LABEL = \'x\' WHERE PATIENT_ID IN (SELECT PATIENT_ID FROM CLINICAL.BILLING.CLAIMS)',
        'DELETE FROM CLINICAL.WORK.COHORT WHERE PATIENT_ID IN (WITH c AS (SELECT * FROM CLINICAL.BILLING.CLAIMS) SELECT PATIENT_ID FROM c)',
        'DELETE FROM CLINICAL.WORK.COHORT USING CLINICAL.BILLING.CLAIMS x WHERE x.PATIENT_ID = COHORT.PATIENT_ID',
      ];
      for (const sql of denied) expect([sql, await errorCode(me.query(sql))]).toEqual([sql, '002003']);
      expect((await me.query('SELECT COUNT(*) AS N FROM CLINICAL.WORK.COHORT'))[0]).toEqual({ N: 4 });
    } finally {
      await me.close();
    }
  });

  test('SHOW TABLES and DESCRIBE TABLE list only what the role may see', async () => {
    const me = await connectWithKey(sf, 'ANALYST_1', analyst.privateKey);
    try {
      expect((await me.query('SHOW TABLES IN SCHEMA CLINICAL.PHI')).map((t) => t.name)).toEqual(['CLINICAL_NOTES', 'DIAGNOSES', 'ENCOUNTERS', 'PATIENTS']);
      expect(await errorCode(me.query('SHOW TABLES IN SCHEMA CLINICAL.BILLING'))).toBe('002003');
      const columns = await me.query('DESCRIBE TABLE PATIENTS');
      expect(columns.find((c) => c.name === 'SSN')).toMatchObject({ type: 'VARCHAR(16777216)', kind: 'COLUMN' });
      expect(columns.find((c) => c.name === 'PATIENT_ID')).toMatchObject({ type: 'NUMBER(38,0)', 'primary key': 'Y' });
      expect(await errorCode(me.query('DESCRIBE TABLE CLINICAL.BILLING.CLAIMS'))).toBe('002003');
    } finally {
      await me.close();
    }
  });

  test('a grant through the role hierarchy applies; revoking it takes effect on the next statement', async () => {
    await admin.query('CREATE ROLE CLAIMS_READER');
    await admin.query('GRANT ROLE BILLING_ANALYST TO ROLE CLAIMS_READER');
    await admin.query('GRANT ROLE CLAIMS_READER TO ROLE CLINICAL_ANALYST');
    const me = await connectWithKey(sf, 'ANALYST_1', analyst.privateKey);
    try {
      expect((await me.query('SELECT COUNT(*) AS N FROM CLINICAL.BILLING.CLAIMS'))[0]!.N).toBeGreaterThan(0);
      await admin.query('REVOKE ROLE CLAIMS_READER FROM ROLE CLINICAL_ANALYST');
      expect(await errorCode(me.query('SELECT COUNT(*) FROM CLINICAL.BILLING.CLAIMS'))).toBe('002003');
    } finally {
      await me.close();
      await admin.query('DROP ROLE CLAIMS_READER');
    }
  });

  test('SHOW USERS / ROLES / GRANTS', async () => {
    const users = await admin.query("SHOW USERS LIKE 'ANALYST%'");
    expect(users).toEqual([expect.objectContaining({ name: 'ANALYST_1', type: 'SERVICE', default_role: 'CLINICAL_ANALYST', disabled: 'false', has_rsa_public_key: 'true' })]);
    expect((await admin.query('SHOW ROLES')).map((r) => r.name)).toEqual(expect.arrayContaining(['ACCOUNTADMIN', 'CLINICAL_ANALYST', 'BILLING_ANALYST']));
    expect(await admin.query('SHOW GRANTS TO USER ANALYST_1')).toEqual([expect.objectContaining({ role: 'CLINICAL_ANALYST', grantee_name: 'ANALYST_1' })]);
    const grants = await admin.query('SHOW GRANTS TO ROLE CLINICAL_ANALYST');
    expect(grants).toEqual(expect.arrayContaining([expect.objectContaining({ privilege: 'SELECT', granted_on: 'TABLE', name: 'CLINICAL.PHI.PATIENTS' })]));
    expect(grants.some((g) => g.name === 'CLINICAL.BILLING.CLAIMS')).toBe(false);
  });

  test('disabled and expired users cannot log in, and a disabled user loses its live session', async () => {
    const keys = newKeyPair();
    await admin.query(`CREATE USER SHORT_LIVED TYPE = SERVICE RSA_PUBLIC_KEY = '${keys.publicKey}'`);
    const live = await connectWithKey(sf, 'SHORT_LIVED', keys.privateKey);
    await admin.query('ALTER USER SHORT_LIVED SET DISABLED = TRUE');
    expect(await errorCode(live.query('SELECT 1'))).not.toBe('undefined');
    expect(await errorCode(connectWithKey(sf, 'SHORT_LIVED', keys.privateKey))).toBe('390102');
    await admin.query('ALTER USER SHORT_LIVED SET DISABLED = FALSE DAYS_TO_EXPIRY = 0.00001');
    await eventually(async () => (await errorCode(connectWithKey(sf, 'SHORT_LIVED', keys.privateKey))) === '390102', 'the expired user to be refused (390102)');
    await admin.query('DROP USER SHORT_LIVED');
    expect(await errorCode(connectWithKey(sf, 'SHORT_LIVED', keys.privateKey))).toBe('390144');
    await admin.query('DROP USER IF EXISTS SHORT_LIVED');
    expect(await errorCode(admin.query('DROP USER SHORT_LIVED'))).toBe('002003');
  });

  test('state persists in the data folder across restarts', async () => {
    const other = tempDir();
    const first = await startLocalSnowflake({ dataDir: other, seed: { seed: 5, patients: 3 } });
    const a = await connectAdmin(first);
    const keys = newKeyPair();
    await a.query(`CREATE USER PERSISTED TYPE = SERVICE RSA_PUBLIC_KEY = '${keys.publicKey}' DEFAULT_ROLE = CLINICAL_ANALYST`);
    await a.query('GRANT ROLE CLINICAL_ANALYST TO USER PERSISTED');
    await a.query('CREATE TABLE CLINICAL.PHI.EXTRA (X NUMBER(38,0))');
    await a.query('INSERT INTO CLINICAL.PHI.EXTRA VALUES (7)');
    const before = await a.query('SELECT MRN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID');
    await a.close();
    await first.close();

    const second = await startLocalSnowflake({ dataDir: other, seed: { seed: 5, patients: 3 } });
    try {
      const b = await connectAdmin(second);
      expect(await b.query('SELECT X FROM CLINICAL.PHI.EXTRA')).toEqual([{ X: 7 }]);
      expect(await b.query('SELECT MRN FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID')).toEqual(before);
      await b.close();
      const me = await connectWithKey(second, 'PERSISTED', keys.privateKey, { database: 'CLINICAL', schema: 'PHI' });
      expect((await me.query('SELECT COUNT(*) AS N FROM PATIENTS'))[0]).toEqual({ N: 3 });
      await me.close();
    } finally {
      await second.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  test('the synthetic dataset is deterministic and its notes mention PHI', async () => {
    const copy = tempDir();
    const twin = await startLocalSnowflake({ dataDir: copy, seed: { seed: 11, patients: 30 } });
    try {
      const t = await connectAdmin(twin);
      const sql = 'SELECT * FROM CLINICAL.PHI.PATIENTS ORDER BY PATIENT_ID';
      expect(JSON.stringify(await t.query(sql))).toBe(JSON.stringify(await admin.query(sql)));
      const [note] = await t.query('SELECT n.NOTE_TEXT, p.FIRST_NAME, p.LAST_NAME, p.MRN FROM CLINICAL.PHI.CLINICAL_NOTES n JOIN CLINICAL.PHI.PATIENTS p USING (PATIENT_ID) LIMIT 1');
      expect(note!.NOTE_TEXT).toContain(`${note!.FIRST_NAME} ${note!.LAST_NAME}`);
      expect(note!.NOTE_TEXT).toContain(note!.MRN);
      const [patient] = await t.query('SELECT SSN, EMAIL, PHONE, INSURANCE_MEMBER_ID FROM CLINICAL.PHI.PATIENTS LIMIT 1');
      expect(patient!.SSN).toMatch(/^\d{3}-\d{2}-\d{4}$/);
      await t.close();
    } finally {
      await twin.close();
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
