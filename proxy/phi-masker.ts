import {
  applyConfigTags, entityTypes, looksLikeSql, sameJson, maskJson, maskJsonSchema, maskSqlText, validatorBackedTypes, maskTableByPlan, maskText, visibleColumnNames, parseMaskingPolicy, planSql,
  strictest, strictestInScope, type EntityType, type LineageReport, type MaskingPlan, type MaskingPolicy, type MaskReport, type PhiCatalog,
} from '../phi';
import { createHmac, randomBytes } from 'node:crypto';
import { maskingPlanDigest } from '../audit';
import { sqlArgumentsFor, type SqlDeclaringTarget, type TargetConfig } from '../policy';
import { maskErrorText } from './error-masking';
import { UnchangedTexts } from './masking-memo';
import { maskResultFields, maskServerMessageFields, type FieldMaskers } from './mcp-structure';
import { mergeSummaries, type MaskContext, type MaskOutcome, type MaskSummary, type ResponseMasker } from './masking';

/** Tools of the reference server whose results are catalog metadata (SHOW / DESCRIBE). */
export const CATALOG_TOOLS = ['list_objects', 'describe_object'];

/** Columns of Snowflake's SHOW and DESCRIBE output that hold object names and properties, not data. */
const CATALOG_COLUMNS = [
  'name', 'database_name', 'schema_name', 'kind', 'owner', 'owner_role_type', 'type', 'null?', 'default', 'primary key', 'unique key',
  'created_on', 'is_default', 'is_current', 'origin', 'retention_time', 'cluster_by', 'budget',
];
// Never "rows", "columns", "content" or "text": those are the keys of the result itself, and
// declaring one harmless would pass a whole table through unscanned (a test guards this).

/** Where the masker reads the discovered catalog of a target (the gateway's Redis cache); undefined = none yet. */
export interface CatalogSource {
  get(target: string): PhiCatalog | undefined | Promise<PhiCatalog | undefined>;
}

export interface PhiMaskerOptions {
  /** The discovered catalog; gatehouse.yaml's `masking.catalog` tags are applied over it. */
  catalog?: CatalogSource;
  /** Argument names that carry SQL in every tool; default: what the target declares (policy sqlArgumentsFor). */
  sqlArguments?: readonly string[];
}

/**
 * The key of a tool result's _meta where the gateway says what it masked: the plan's digest and
 * the masked columns with their types (the full report, sources and rule per column, is in the
 * recording as a `masking_plan` entry). The gateway's own: an upstream's member of that name is dropped.
 */
export const MASKING_META_KEY = 'gatehouse/masking';
/** Plans kept per catalog object (see PhiMasker.planOf). */
const PLAN_CACHE_SIZE = 256;
/** Sessions whose plan salt a masker keeps (PhiMasker.saltFor; a salt is one HMAC to make again). */
const SALTS_KEPT = 1024;
/** Digests kept per plan, one per session salt (PhiMasker.reportOfPlan). */
const SALTS_PER_PLAN = 64;
const ROW_LIMIT_NOTE = /^showing \d+ of \d+ rows \(row limit \d+\); add a LIMIT or a narrower WHERE$/;

/**
 * Keys of a table result (the reference server's outputSchema) that cannot carry a value, checked
 * by type: counts and a flag. Any other key, or one of these of another type, may hold whatever
 * the upstream echoes (the statement, an error, a preview of the rows, data-named columns) and is
 * masked whole (see PhiMasker.unreadable).
 */
const TABLE_COUNTS: Record<string, (v: unknown) => boolean> = {
  rowCount: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  rowLimit: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  truncated: (v) => typeof v === 'boolean',
};
/** `_meta` keys the protocol defines (a task's id, a progress token): masked by appearance like any protocol structure. */
const isProtocolMeta = (key: string) => key === 'progressToken' || key.startsWith('io.modelcontextprotocol/');

/** What an unreadable part of a SQL result becomes: the label of a PHI type. */
interface Label { type: EntityType; text: string }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Freezes plain data (objects and arrays) all the way down; returns it. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

interface Table { columns: string[]; rows: unknown[][] }
const isTable = (v: unknown): v is Table & Record<string, unknown> => {
  const t = v as Table | undefined;
  return !!t && typeof t === 'object' && Array.isArray(t.columns) && Array.isArray(t.rows) && t.columns.every((c) => typeof c === 'string') && t.rows.every(Array.isArray);
};

/**
 * The PHI engine (phi/) behind the gateway's ResponseMasker. A SQL result is masked by
 * provenance: the statement the gateway itself forwarded (MaskContext.arguments) is analysed
 * against the PHI catalog, and each result column is passed, scanned or masked whole by what it
 * is computed from. Everything else (catalog listings, non-SQL tools, notifications, arguments
 * for the recording) is masked by appearance. The engine throws when it cannot mask; the
 * gateway then withholds the response.
 */
export class PhiMasker implements ResponseMasker {
  readonly policy: MaskingPolicy;
  /** The same policy, with the catalog columns of SHOW / DESCRIBE output declared harmless. */
  private readonly catalogPolicy: MaskingPolicy;
  private readonly noCatalog: PhiCatalog;
  private readonly applied = new WeakMap<PhiCatalog, PhiCatalog>();
  private readonly plans = new WeakMap<PhiCatalog, Map<string, MaskingPlan>>();
  /** Table texts a plan sent on exactly as they came, with their lineage report (masking-memo.ts). */
  private readonly unchanged = new UnchangedTexts<MaskingPlan, LineageReport>();
  private readonly catalogTools: Set<string>;
  private readonly sqlTarget: SqlDeclaringTarget;
  private readonly target: string;
  /** Some tool of this target carries SQL (declared, or a Snowflake target's defaults). */
  private readonly carriesSql: boolean;
  /**
   * Salts plan digests (audit/ maskingPlanDigest) so the digest an agent sees confirms no guess
   * about the catalog: per recording session, HMAC(saltKey, target NUL sessionId) (saltFor), so
   * every replica serving one session computes the same digests, and each plan entry records its
   * salt, so an archive verifies alone. An archive's salts are its sessions' own: they confirm
   * nothing about another session's digests. Without a session, a salt of this process's own.
   */
  private readonly salt = randomBytes(12).toString('base64url');
  /** Derived from the masking key under a label of its own (never the key itself, nor the tokens' key); random without one. */
  private readonly saltKey: Buffer;
  /** Sessions' salts, most recently used last (at most SALTS_KEPT). */
  private readonly salts = new Map<string, string>();
  /** The report of a resolved plan and its digest per salt, once per plan object (reportOfPlan). */
  private readonly planReports = new WeakMap<MaskingPlan, { report: Record<string, unknown>; digests: Map<string, string> }>();

  /** `masking` is re-validated here, so a policy that bypassed gatehouse.yaml's schema is caught too. */
  constructor(
    target: Pick<TargetConfig, 'name'> & { masking: unknown } & SqlDeclaringTarget,
    private readonly tokenKey?: Uint8Array | string,
    catalogTools: readonly string[] = CATALOG_TOOLS,
    private readonly options: PhiMaskerOptions = {},
  ) {
    try {
      this.policy = parseMaskingPolicy(target.masking);
    } catch (error) {
      throw new Error(`target ${target.name}: the masking policy is invalid: ${(error as Error).message}`, { cause: error });
    }
    this.target = target.name;
    this.saltKey = createHmac('sha256', tokenKey ?? randomBytes(32)).update('gatehouse masking plan salts').digest();
    this.noCatalog = { target: target.name, tables: [] };
    const catalogColumns = Object.fromEntries(CATALOG_COLUMNS.map((c) => [c, 'none' as const]));
    this.catalogPolicy = { ...this.policy, columns: { ...catalogColumns, ...this.policy.columns } };
    this.catalogTools = new Set(catalogTools);
    this.sqlTarget = { ...(target.commands ? { commands: target.commands } : {}), ...(target.credentials !== undefined ? { credentials: target.credentials } : {}) };
    this.carriesSql = (options.sqlArguments?.length ?? 0) > 0 || sqlArgumentsFor(this.sqlTarget, undefined).length > 0
      || Object.values(target.commands?.sqlTools ?? {}).some((args) => args.length > 0);
  }

  /** The salt of a recording session's plan digests (see `salt`); this process's own without a session. */
  saltFor(sessionId: string | undefined): string {
    if (typeof sessionId !== 'string' || sessionId === '') return this.salt;
    let salt = this.salts.get(sessionId);
    if (salt === undefined) {
      salt = createHmac('sha256', this.saltKey).update(`${this.target}\u0000${sessionId}`).digest().subarray(0, 18).toString('base64url');
      if (this.salts.size >= SALTS_KEPT) this.salts.delete(this.salts.keys().next().value!);
    } else {
      this.salts.delete(sessionId);
    }
    this.salts.set(sessionId, salt);
    return salt;
  }

  /** The arguments of a tool that carry SQL on this target. */
  private sqlArgumentsOf(tool: string | undefined): readonly string[] {
    return this.options.sqlArguments ?? sqlArgumentsFor(this.sqlTarget, tool);
  }

  /** The catalog in force: discovered (if any) with gatehouse.yaml's tags over it. */
  async catalog(): Promise<PhiCatalog> {
    const discovered = (await this.options.catalog?.get(this.target)) ?? this.noCatalog;
    let applied = this.applied.get(discovered);
    if (!applied) {
      applied = applyConfigTags(discovered, this.policy.catalog);
      this.applied.set(discovered, applied);
    }
    return applied;
  }

  /**
   * The plan of one SQL text against the catalog in force. Plans are a pure function of the SQL,
   * the catalog and this target's policy, so they are kept per catalog object (a refreshed
   * catalog is a new object and starts empty) and per exact SQL text; at most PLAN_CACHE_SIZE per
   * catalog, so an agent sending endless distinct SQL only evicts its own plans.
   */
  private planOf(sql: string, catalog: PhiCatalog): MaskingPlan {
    let plans = this.plans.get(catalog);
    if (!plans) {
      plans = new Map();
      this.plans.set(catalog, plans);
    }
    let plan = plans.get(sql);
    if (!plan) {
      // Frozen: a plan is shared by every answer to its SQL, and its report's digest is kept with it (maskSqlResult).
      plan = deepFreeze(planSql(sql, catalog, this.policy));
      if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value!);
      plans.set(sql, plan);
    }
    return plan;
  }

  phiCatalog(): Promise<PhiCatalog> {
    return this.catalog();
  }

  /** The SQL texts of a forwarded call, or undefined when it carries none. */
  private sqlOf(context: MaskContext | undefined): string[] | undefined {
    const args = context?.arguments;
    if (!args || context.method !== 'tools/call') return undefined;
    const sql = this.sqlArgumentsOf(context.tool).filter((k) => args[k] !== undefined).map((k) => (typeof args[k] === 'string' ? (args[k] as string) : JSON.stringify(args[k])));
    return sql.length ? sql : undefined;
  }

  async mask<T>(value: T, context?: MaskContext): Promise<MaskOutcome<T>> {
    // The agent's SQL (a held command's summary, the recorded arguments) is evidence: masked as
    // SQL, so auditors and approvers read its identifiers and keywords, never its literals.
    if (context?.part === 'summary' && typeof value === 'string' && looksLikeSql(value)) return sqlAsEvidence(value) as MaskOutcome<T>;
    if (context?.part === 'arguments' && value && typeof value === 'object' && !Array.isArray(value)) {
      const args = value as Record<string, unknown>;
      const sqlKeys = this.sqlArgumentsOf(context.tool).filter((k) => typeof args[k] === 'string');
      if (sqlKeys.length) {
        const rest = this.byAppearance(Object.fromEntries(Object.entries(args).filter(([k]) => !sqlKeys.includes(k))), this.policy);
        const sqlParts = sqlKeys.map((k) => [k, sqlAsEvidence(args[k] as string)] as const);
        const masked = { ...(rest.masked as object), ...Object.fromEntries(sqlParts.map(([k, o]) => [k, o.masked])) };
        return { masked: masked as T, report: mergeSummaries(rest.report, ...sqlParts.map(([, o]) => o.report)) };
      }
    }
    // A task-augmented call answers with a task handle (no data: masked by structure below); the
    // task's result comes later under tasks/result, where the SQL it ran is not in the context,
    // so on a target that carries SQL it is masked whole as an unknown statement's result.
    const taskHandle = context?.part === 'result' && isRecord(value) && isRecord(value.task);
    const sql = context?.part === 'result' && !taskHandle ? (context.method === 'tasks/result' && this.carriesSql ? [''] : this.sqlOf(context)) : undefined;
    if (sql) return this.maskSqlResult(value, sql, this.saltFor(context?.sessionId));
    if (context?.part === 'result') return withoutGatewayMeta(this.maskOther(value, context));
    return this.maskOther(value, context);
  }

  /** Everything but a SQL result: catalog listings, other tools' results, notifications, values for the recording. */
  private maskOther<T>(value: T, context: MaskContext | undefined): MaskOutcome<T> {
    // Catalog listings name tables and columns ("name" would otherwise read as a person's name);
    // their free-text columns (comment, ...) are still scanned. Never for a call that carried SQL.
    const policy = context?.part === 'result' && context.tool && this.catalogTools.has(context.tool) ? this.catalogPolicy : this.policy;
    // Protocol messages are masked field by field (mcp-structure.ts): structure stays, data is masked.
    if (context?.part === 'result') {
      const completing = context.completing;
      return this.byStructure(value, policy, (f) => maskResultFields(context.method, value, completing === undefined ? f : {
        // As a one-cell column named after the argument: `patient_name` makes every value a NAME.
        // The client chose that name, so it may only add masking: a value it leaves as it is
        // (a name the policy declares `none`) is still masked by its own content.
        ...f, completionValue: (v) => {
          const keyed = Object.values(f.data({ [completing]: [v] }) as Record<string, unknown[]>)[0]![0];
          return keyed !== v ? keyed : f.data(v);
        },
      }));
    }
    if (context?.part === 'notification') return this.byStructure(value, policy, (f) => maskServerMessageFields(context.method, value, f));
    return this.byAppearance(value, policy);
  }

  private get maskOptions() {
    return this.tokenKey === undefined ? {} : { tokenKey: this.tokenKey };
  }

  /** Masks a protocol message through its field map; each field's masking is reported once. */
  private byStructure<T>(value: T, policy: MaskingPolicy, walk: (f: FieldMaskers) => T): MaskOutcome<T> {
    const reports: MaskSummary[] = [];
    const options = this.maskOptions;
    const { uriPolicy, opaquePolicy } = fieldPolicies(policy);
    const data = (v: unknown) => {
      const { value: masked, report } = maskJson(v, policy, options);
      reports.push(summary(report));
      return masked;
    };
    const fields: FieldMaskers = {
      opaque: (s) => {
        if (s.length < 5) return s;
        const { text, report } = maskText(s, opaquePolicy, options);
        reports.push(summary(report));
        return text;
      },
      text: (s) => data(s) as string,
      data,
      uri: (s) => {
        const { value: masked, report } = maskJson(s, uriPolicy, options);
        reports.push(summary(report));
        return masked as string;
      },
      schema: (v) => {
        const { value: masked, report } = maskJsonSchema(v, policy, options);
        reports.push(summary(report));
        return masked;
      },
      // Images, audio and blobs cannot be read by the text detectors: withheld unless the policy
      // says `binary: scan`, and then only while the scan finds nothing in them.
      binary: (s) => (policy.binary === 'scan' && maskJson(s, policy, options).value === s ? s : undefined),
    };
    return { masked: walk(fields), report: mergeSummaries(...reports) };
  }

  private byAppearance<T>(value: T, policy: MaskingPolicy): MaskOutcome<T> {
    const { value: masked, report } = maskJson(value, policy, this.maskOptions);
    return { masked: masked as T, report: summary(report) };
  }

  private async maskSqlResult<T>(value: T, sql: string[], salt: string): Promise<MaskOutcome<T>> {
    const catalog = await this.catalog();
    // Several SQL arguments in one call: each could be what ran; the strictest plan of any decides.
    const plans = sql.map((s) => this.planOf(s, catalog));
    const single = plans.length === 1;
    const plan: MaskingPlan = single ? plans[0]! : plans.find((p) => p.kind === 'whole') ?? planSql('', catalog, this.policy);
    const touchesPhi = plans.some((p) => p.touchesPhi);
    if (plan.kind === 'metadata') return withoutGatewayMeta(this.byAppearance(value, this.policy));
    if (isErrorShaped(value)) return withoutGatewayMeta(this.maskError(value, touchesPhi));
    const result = value as Record<string, unknown>;
    const reports: MaskSummary[] = [];
    // Every table of the result with what masked it (structuredContent, content.<i>): a result may
    // carry more than one, and they need not match the plan alike (one masked whole for its width).
    const tables: { part: string; lineage: LineageReport }[] = [];
    const described = (part: string, report: LineageReport) => {
      tables.push({ part, lineage: report });
    };
    /** The last table's report (the result's, when it has one table). */
    const lastLineage = (): LineageReport | undefined => tables.at(-1)?.lineage;
    const unreadable: string[] = [];
    // Worked out once, and only for a result that has such keys.
    const labelled: { label?: Label; known?: true } = {};
    const other = (key: string, v: unknown) => {
      unreadable.push(key);
      if (!labelled.known) Object.assign(labelled, { known: true, label: this.labelOf(plan, catalog) });
      return this.unreadable(v, reports, labelled.label);
    };
    const maskTable = (table: Table & Record<string, unknown>, where: string, part: string) => {
      const out = maskTableByPlan(table.columns, table.rows, plan, this.policy, this.maskOptions);
      const columns = visibleColumnNames(table.columns, out.report.plan, sql);
      described(part, out.report.plan === 'whole' ? { ...out.report, columns: out.report.columns.map((c, i) => ({ ...c, name: columns[i] ?? c.name })) } : out.report);
      reports.push({ counts: out.report.counts as Record<string, number>, total: out.report.total });
      const rest = Object.entries(table).filter(([k]) => k !== 'columns' && k !== 'rows')
        .map(([k, v]) => [k, Object.hasOwn(TABLE_COUNTS, k) && TABLE_COUNTS[k]!(v) ? v : other(`${where}.${k}`, v)] as const);
      return { columns, rows: out.rows, ...Object.fromEntries(rest) };
    };
    let structured: unknown = result.structuredContent;
    const structuredJson = isTable(structured) ? JSON.stringify(structured) : undefined;
    // A table whose JSON this plan sent on unchanged before (as structuredContent or as a text) is sent on as it is.
    const knownStructured = structuredJson !== undefined && single ? this.unchanged.get(plan, structuredJson) : undefined;
    if (knownStructured) {
      described('structuredContent', { ...knownStructured });
      reports.push({ counts: { ...knownStructured.counts } as Record<string, number>, total: knownStructured.total });
    } else if (isTable(structured)) {
      const unreadableBefore = unreadable.length;
      structured = maskTable(structured, 'structuredContent', 'structuredContent');
      const lineage = lastLineage();
      if (single && unreadable.length === unreadableBefore && lineage && sameJson(result.structuredContent, structured)) {
        this.unchanged.remember(plan, structuredJson!, lineage);
        structured = result.structuredContent;
      }
    } else if (structured !== undefined) {
      // A structured result that is not a table: every string in it masked as the plan's strictest type.
      structured = this.withheld(structured, reports, plan);
    }
    const content = Array.isArray(result.content) ? result.content.map((item, i) => {
      const it = item as { type?: unknown; text?: unknown };
      if (!it || it.type !== 'text' || typeof it.text !== 'string') return this.withheld(item, reports, plan);
      // A text block's members beside its type and text (annotations, _meta, anything a server
      // adds) are unreadable parts of the result like its unknown keys.
      const block = (text: string) => {
        const rest = Object.entries(item as object).filter(([k]) => k !== 'type' && k !== 'text');
        return rest.length ? { ...Object.fromEntries(rest.map(([k, v]) => [k, other(`content.${i}.${k}`, v)])), type: 'text', text } : { type: 'text', text };
      };
      // The twin of structuredContent: masking changed nothing, so its JSON is still the text.
      if (structuredJson !== undefined && it.text === structuredJson) return block(structured === result.structuredContent || sameJson(result.structuredContent, structured) ? structuredJson : JSON.stringify(structured));
      if (ROW_LIMIT_NOTE.test(it.text)) return block(it.text);
      // A table text this plan sent on unchanged before is sent on unchanged again (masking-memo.ts).
      const known = single ? this.unchanged.get(plan, it.text) : undefined;
      if (known) {
        described(`content.${i}`, { ...known });
        reports.push({ counts: { ...known.counts } as Record<string, number>, total: known.total });
        return block(it.text);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(it.text);
      } catch {
        parsed = undefined;
      }
      if (isTable(parsed)) {
        const unreadableBefore = unreadable.length;
        const text = JSON.stringify(maskTable(parsed, 'content', `content.${i}`));
        const lineage = lastLineage();
        if (single && text === it.text && unreadable.length === unreadableBefore && lineage) this.unchanged.remember(plan, it.text, lineage);
        return block(text);
      }
      // Text that is not the table: it may be the rows in another format; not readable by position, so withheld.
      return this.withheld(item, reports, plan);
    }) : result.content;
    // The result's other keys and its _meta are the upstream's to fill: only `isError` and the
    // protocol's own _meta keys are known; the rest is masked whole like a table's unknown keys.
    const others = Object.fromEntries(Object.entries(result).filter(([k]) => k !== 'content' && k !== 'structuredContent' && k !== '_meta')
      .map(([k, v]) => [k, k === 'isError' && typeof v === 'boolean' ? v : other(k, v)]));
    const upstreamMeta = result._meta && typeof result._meta === 'object' && !Array.isArray(result._meta) ? Object.entries(result._meta)
      .filter(([k]) => k !== MASKING_META_KEY)
      .map(([k, v]) => [k, isProtocolMeta(k) ? this.byAppearance(v, this.policy).masked : other(`_meta.${k}`, v)] as const) : [];
    // The full report (per column: action, type, rule, sources with their expression paths, the
    // reason) is the auditor's: it goes into the recording once per session under its digest. The
    // agent gets what it needs to read its answer: which columns (and keys) were masked, as what,
    // and the digest; no catalog source names, rules or paths.
    const keys = [...new Set(unreadable)];
    // Tables the plan masked differently (one matched it, another masked whole for its width): the
    // report says which part each description is about, instead of describing the last one only.
    const parts = describedApart(tables);
    const lineage = lastLineage();
    const { counts: _counts, total: _total, ...planned } = (parts ? { plan: 'parts', parts } : lineage ?? { plan: plan.kind, reason: plan.kind === 'whole' ? plan.reason : 'no table in the result' }) as Partial<LineageReport> & Record<string, unknown>;
    const full: Record<string, unknown> = keys.length ? { ...planned, unreadable: { keys, reason: labelled.label ? `keys no schema declares harmless, masked whole as ${labelled.label.type}` : 'keys no schema declares harmless, scanned: the statement read no PHI' } } : planned;
    // A resolved plan whose table matched it, with no key masked whole: the report is the plan's
    // columns and nothing of this result, so it and its digest are worked out once per plan.
    const ofPlanAlone = !parts && plan.kind === 'columns' && lineage?.plan === 'columns' && lineage.mismatch === undefined && keys.length === 0;
    const { report, digest } = ofPlanAlone ? this.reportOfPlan(plan, full, salt) : { report: full, digest: maskingPlanDigest(salt, full) };
    const maskedIn = (columns: LineageReport['columns'], part?: string) => columns.flatMap((c, index) => (c.action === 'mask' ? [{ ...(part ? { part } : {}), index, name: c.name, type: c.type! }] : []));
    const maskedColumns = parts ? tables.flatMap((t) => maskedIn(t.lineage.columns, t.part)) : maskedIn(lineage?.columns ?? []);
    const meta = {
      ...Object.fromEntries(upstreamMeta),
      [MASKING_META_KEY]: { plan: digest, masked: maskedColumns, ...(keys.length && labelled.label ? { maskedKeys: keys.map((key) => ({ key, type: labelled.label!.type })) } : {}) },
    };
    const masked = {
      ...(others as object),
      ...(content !== undefined ? { content } : {}),
      ...(structured !== undefined ? { structuredContent: structured } : {}),
      _meta: meta,
    };
    return { masked: masked as T, report: mergeSummaries(...reports), plan: { digest, salt, report } };
  }

  /** The first report made for `plan` (when it is the plan's alone) and its digest under `salt`, kept with the plan object. */
  private reportOfPlan(plan: MaskingPlan, report: Record<string, unknown>, salt: string): { report: Record<string, unknown>; digest: string } {
    let known = this.planReports.get(plan);
    if (!known) {
      known = { report: deepFreeze(report), digests: new Map() };
      this.planReports.set(plan, known);
    }
    let digest = known.digests.get(salt);
    if (digest === undefined) {
      digest = maskingPlanDigest(salt, known.report);
      if (known.digests.size >= SALTS_PER_PLAN) known.digests.delete(known.digests.keys().next().value!);
      known.digests.set(salt, digest);
    }
    return { report: known.report, digest };
  }

  /**
   * What an unreadable part of a SQL result is masked as: undefined when the statement read no
   * PHI, free text or anything unresolved (then it is scanned); else the strictest type the plan
   * masks, or the strictest in scope.
   */
  private labelOf(plan: Exclude<MaskingPlan, { kind: 'metadata' }>, catalog: PhiCatalog): Label | undefined {
    if (!plan.touchesPhi) return undefined;
    const type = plan.kind === 'whole' ? plan.type : strictest(plan.columns.filter((c) => c.action === 'mask').map((c) => c.type!)) ?? strictestInScope(catalog);
    return { type, text: `[${type}]` };
  }

  /**
   * A key of a SQL result no schema declares harmless (a statement echo, a preview of the rows,
   * Snowflake's row type with data-named columns, an error text): it cannot be read by position,
   * so it is masked whole, whatever its type (a number or a flag can be an oracle's answer).
   */
  private unreadable(value: unknown, reports: MaskSummary[], label: Label | undefined): unknown {
    if (!label) {
      const { value: masked, report } = maskJson(value, this.policy, this.maskOptions);
      reports.push(summary(report));
      return masked;
    }
    reports.push({ counts: { [label.type]: 1 }, total: 1 });
    return label.text;
  }

  /** A part of a SQL result that is not the table: every string replaced with the strictest label of the plan. */
  private withheld(value: unknown, reports: MaskSummary[], plan: Exclude<MaskingPlan, { kind: 'metadata' }>): unknown {
    const type = plan.kind === 'whole' ? plan.type : strictest(plan.columns.filter((c) => c.action === 'mask').map((c) => c.type!));
    if (!type) {
      const { value: masked, report } = maskJson(value, this.policy, this.maskOptions);
      reports.push(summary(report));
      return masked;
    }
    const { value: masked, report } = maskJson(value, { ...this.policy, columns: {}, minScore: 0 }, this.maskOptions);
    reports.push(summary(report));
    const label = `[${type}]`;
    const strip = (v: unknown): unknown => {
      if (typeof v === 'string') return v === 'text' ? v : label;
      // A number or a flag computed from PHI is as telling as a string (a digit, an oracle's bit).
      if (typeof v === 'number' || typeof v === 'boolean') return label;
      if (Array.isArray(v)) return v.map(strip);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'type' ? x : strip(x)]));
      return v;
    };
    return strip(masked);
  }

  private maskError<T>(value: T, touchesPhi: boolean): MaskOutcome<T> {
    const reports: MaskSummary[] = [];
    const text = (s: string) => {
      const out = maskErrorText(s, touchesPhi, (t) => maskText(t, this.policy, this.maskOptions));
      reports.push(out.report);
      return out.text;
    };
    const walk = (v: unknown, key?: string): unknown => {
      if (typeof v === 'string') return key === 'type' ? v : text(v);
      if (Array.isArray(v)) return v.map((x) => walk(x));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
      return v;
    };
    return { masked: walk(value) as T, report: mergeSummaries(...reports) };
  }
}

/**
 * The policies of URI and structure fields, made once per policy object: the same objects call
 * after call, so what phi keys on a policy (its memo of clean texts) stays warm.
 */
const derivedPolicies = new WeakMap<MaskingPolicy, { uriPolicy: MaskingPolicy; opaquePolicy: MaskingPolicy }>();
function fieldPolicies(policy: MaskingPolicy): { uriPolicy: MaskingPolicy; opaquePolicy: MaskingPolicy } {
  let derived = derivedPolicies.get(policy);
  if (!derived) {
    derived = {
      uriPolicy: { ...policy, ignore: [...new Set([...policy.ignore, 'URL' as const])] },
      // Structure strings (ids, cursors, versions): only identifiers a checksum or hard rule proves.
      opaquePolicy: { ...policy, binary: 'scan', ignore: entityTypes.filter((t) => !validatorBackedTypes.includes(t) || policy.ignore.includes(t)) },
    };
    derivedPolicies.set(policy, derived);
  }
  return derived;
}

/**
 * SQL as evidence is a pure function of the SQL text (and of the year, which decides whether a
 * log line's date in a literal is a timestamp): kept per text like the plans, at most
 * PLAN_CACHE_SIZE, so an agent repeating a statement is lexed once.
 */
const evidence = new Map<string, MaskOutcome<string>>();
function sqlAsEvidence(sql: string): MaskOutcome<string> {
  const key = `${new Date().getUTCFullYear()}\u0000${sql}`;
  let known = evidence.get(key);
  if (!known) {
    known = sqlAsEvidenceOnce(sql);
    if (evidence.size >= PLAN_CACHE_SIZE) evidence.delete(evidence.keys().next().value!);
    evidence.set(key, known);
  }
  return { masked: known.masked, report: { counts: { ...known.report.counts }, total: known.report.total } };
}

/** SQL text masked as SQL (phi's maskSqlText), with a count per placeholder type for the recording. */
function sqlAsEvidenceOnce(sql: string): MaskOutcome<string> {
  const { text } = maskSqlText(sql);
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/'\[([A-Z_]+)\]'|\/\*\[(NUMBER)\]\*\//g)) {
    const type = m[1] ?? m[2]!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return { masked: text, report: { counts, total: Object.values(counts).reduce((a, b) => a + b, 0) } };
}

/**
 * An upstream's own `_meta["gatehouse/masking"]` is dropped from every result: that member is the
 * gateway's word on what it masked, and one an upstream wrote could point an auditor at another
 * call's masking plan.
 */
function withoutGatewayMeta<T>(outcome: MaskOutcome<T>): MaskOutcome<T> {
  const value = outcome.masked as { _meta?: unknown } | undefined;
  if (!isRecord(value) || !isRecord(value._meta) || !Object.hasOwn(value._meta, MASKING_META_KEY)) return outcome;
  const { [MASKING_META_KEY]: _dropped, ...meta } = value._meta;
  return { ...outcome, masked: { ...value, _meta: meta } as T };
}

/** A tools/call result with isError, or a JSON-RPC error object ({ code, message }). */
function isErrorShaped(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.isError === true || (typeof v.code === 'number' && typeof v.message === 'string');
}

function summary(report: MaskReport): MaskSummary {
  const counts: Record<string, number> = {};
  for (const [type, count] of Object.entries(report.counts)) if (count) counts[type] = count;
  return { counts, total: report.total };
}

/**
 * The parts of a result's report when its tables were not all described alike (counts aside):
 * each table's description with the part it is about. Undefined when there is at most one
 * description (one table, or a text twin of structuredContent): then the report is that one, as ever.
 */
function describedApart(tables: readonly { part: string; lineage: LineageReport }[]): Record<string, unknown>[] | undefined {
  if (tables.length < 2) return undefined;
  const described = tables.map(({ part, lineage }) => {
    const { counts: _counts, total: _total, ...rest } = lineage;
    return { part, ...rest };
  });
  const [first, ...others] = described.map(({ part: _part, ...rest }) => JSON.stringify(rest));
  return others.every((d) => d === first) ? undefined : described;
}
