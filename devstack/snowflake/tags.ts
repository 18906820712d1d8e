import { canSeeSchema, status, type AccountSession, type StatementResult } from './account';
import type { Catalog, TagReference } from './catalog';
import { column, type Cell } from './encode';
import { SnowflakeError } from './errors';
import { tokenize, type Token } from './lexer';
import { TokenCursor } from './parser';

/**
 * Object tagging as Snowflake does it (https://docs.snowflake.com/en/user-guide/object-tagging/introduction):
 * CREATE/ALTER/DROP TAG, SHOW TAGS, ALTER TABLE|VIEW ... [MODIFY|ALTER [COLUMN] c] SET TAG t = 'v' / UNSET TAG t,
 * SYSTEM$GET_TAG, and the Information Schema table functions TAG_REFERENCES and
 * TAG_REFERENCES_ALL_COLUMNS. Tags and their references live in the catalog (catalog.json).
 *
 * Privileges (https://docs.snowflake.com/en/user-guide/object-tagging/introduction#tag-privileges):
 * CREATE TAG on the schema (or owning it) creates a tag; setting or unsetting one on a table or
 * its columns needs APPLY TAG on the account, or APPLY on the tag and OWNERSHIP of the table.
 * A role that may only read a table can neither set nor unset its tags.
 */
export interface TagContext {
  catalog: Catalog;
  session: AccountSession;
  roles: Set<string>;
  schemaExists(database: string, schema: string): Promise<boolean>;
  /** The table's (or view's) columns in order, Snowflake names; undefined when it does not exist. */
  columnsOf(fq: string): Promise<string[] | undefined>;
}

const DDL = 0x6000;

/** Whether the statement is one this file runs (checked before the account statements: SHOW TAGS). */
export function isTagStatement(tokens: Token[]): boolean {
  const words = tokens.map((t) => (t.kind === 'word' ? t.value : ''));
  const [a, b, c, d] = words;
  if (a === 'CREATE') return b === 'TAG' || (b === 'OR' && c === 'REPLACE' && d === 'TAG');
  if (a === 'DROP' || a === 'ALTER') {
    if (b === 'TAG') return true;
    if (a === 'ALTER' && (b === 'TABLE' || b === 'VIEW')) return tokens.some((t, k) => t.kind === 'word' && t.value === 'TAG' && (words[k - 1] === 'SET' || words[k - 1] === 'UNSET'));
  }
  return a === 'SHOW' && b === 'TAGS';
}

export async function executeTagStatement(ctx: TagContext, tokens: Token[], sql: string): Promise<StatementResult> {
  const c = new TokenCursor(tokens, sql);
  if (c.acceptWords('CREATE')) return createTag(ctx, c, c.acceptWords('OR', 'REPLACE'));
  if (c.acceptWords('DROP', 'TAG')) return dropTag(ctx, c);
  if (c.acceptWords('ALTER', 'TAG')) return alterTag(ctx, c);
  if (c.acceptWords('SHOW', 'TAGS')) return showTags(ctx, c);
  c.expectWords('ALTER');
  return setOnTable(ctx, c);
}

function qualify(session: AccountSession, parts: string[], depth: 2 | 3): string {
  const { database, schema } = session;
  if (parts.length === depth) return parts.join('.');
  if (depth === 3 && parts.length === 2 && database) return `${database}.${parts.join('.')}`;
  if (parts.length === 1 && database && (depth === 2 || schema)) return [database, ...(depth === 3 ? [schema!] : []), parts[0]!].join('.');
  throw new SnowflakeError('090105', `Cannot perform operation. This session does not have a current ${depth === 2 || !database ? 'database' : 'schema'}. Call 'USE DATABASE', or use a qualified name.`, '22000');
}

/** A name written inside a string argument ('db.sch."t"'), as Snowflake resolves it. */
function namePartsOf(text: string): string[] {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    throw SnowflakeError.syntax(`invalid object name '${text}'.`);
  }
  const parts: string[] = [];
  tokens.forEach((t, k) => {
    const nameExpected = k % 2 === 0;
    if (nameExpected && (t.kind === 'word' || t.kind === 'quoted')) parts.push(t.value);
    else if (!(t.kind === 'punct' && t.value === '.' && !nameExpected)) throw SnowflakeError.syntax(`invalid object name '${text}'.`);
  });
  if (parts.length === 0 || tokens.length % 2 === 0) throw SnowflakeError.syntax(`invalid object name '${text}'.`);
  return parts;
}

const isAdmin = (ctx: TagContext) => ctx.catalog.isAdmin(ctx.roles);
const owns = (ctx: TagContext, type: 'TABLE' | 'TAG' | 'SCHEMA', name: string) => {
  const owner = ctx.catalog.ownerOf(type, name);
  return isAdmin(ctx) || (!!owner && ctx.roles.has(owner));
};
const tableVisible = (ctx: TagContext, fq: string) => isAdmin(ctx) || (ctx.catalog.hasAny(ctx.roles, 'TABLE', fq) && canSeeSchema(ctx, fq.split('.').slice(0, 2).join('.')));

/** A tag by name (qualified against the session), visible to the role (USAGE on its schema), or 002003. */
function visibleTag(ctx: TagContext, parts: string[]): string {
  const fq = qualify(ctx.session, parts, 3);
  const schema = fq.split('.').slice(0, 2).join('.');
  if (!ctx.catalog.tag(fq) || !(isAdmin(ctx) || canSeeSchema(ctx, schema) || ctx.catalog.hasAny(ctx.roles, 'TAG', fq))) throw SnowflakeError.notFound('Tag', fq);
  return fq;
}

/** CREATE [OR REPLACE] TAG [IF NOT EXISTS] name [ALLOWED_VALUES 'v', ...] [COMMENT = '...'] (https://docs.snowflake.com/en/sql-reference/sql/create-tag) */
async function createTag(ctx: TagContext, c: TokenCursor, orReplace: boolean): Promise<StatementResult> {
  c.expectWords('TAG');
  const ifNotExists = c.acceptWords('IF', 'NOT', 'EXISTS');
  const parts = c.qualifiedName('tag name');
  const fq = qualify(ctx.session, parts, 3);
  let allowedValues: string[] | undefined;
  let comment: string | undefined;
  while (!c.done) {
    if (c.acceptWords('ALLOWED_VALUES')) {
      allowedValues = [];
      do allowedValues.push(c.string('allowed value'));
      while (c.acceptPunct(','));
    } else if (c.acceptWords('COMMENT')) {
      c.expectPunct('=');
      comment = c.string('comment');
    } else c.fail('expected ALLOWED_VALUES or COMMENT');
  }
  const [database, schema] = fq.split('.') as [string, string];
  const schemaName = `${database}.${schema}`;
  if (!ctx.catalog.databases.includes(database) || !(await ctx.schemaExists(database, schema)) || !(isAdmin(ctx) || canSeeSchema(ctx, schemaName))) throw SnowflakeError.notFound('Schema', schemaName);
  if (!(owns(ctx, 'SCHEMA', schemaName) || ctx.catalog.has(ctx.roles, 'CREATE TAG', 'SCHEMA', schemaName))) throw SnowflakeError.insufficientPrivileges(`schema '${schema}'`);
  const name = parts[parts.length - 1]!;
  if (ctx.catalog.tag(fq)) {
    if (ifNotExists) return status(`${name} already exists, statement succeeded.`);
    if (!orReplace) throw SnowflakeError.alreadyExists('Tag', name);
    if (!owns(ctx, 'TAG', fq)) throw SnowflakeError.insufficientPrivileges(`tag '${name}'`);
  }
  ctx.catalog.createTag({ name: fq, ...(allowedValues ? { allowedValues } : {}), ...(comment === undefined ? {} : { comment }) }, ctx.session.role);
  return status(`Tag ${name} successfully created.`);
}

/** DROP TAG [IF EXISTS] name: its owner only; every reference to it goes too. */
function dropTag(ctx: TagContext, c: TokenCursor): StatementResult {
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const parts = c.qualifiedName('tag name');
  c.end();
  const fq = qualify(ctx.session, parts, 3);
  if (!ctx.catalog.tag(fq) && ifExists) return status('Drop statement executed successfully (tag already dropped).');
  visibleTag(ctx, parts);
  if (!owns(ctx, 'TAG', fq)) throw SnowflakeError.insufficientPrivileges(`tag '${parts[parts.length - 1]}'`);
  ctx.catalog.dropTag(fq);
  return status(`${parts[parts.length - 1]} successfully dropped.`);
}

/** ALTER TAG name { ADD | DROP } ALLOWED_VALUES 'v', ... | UNSET ALLOWED_VALUES | SET COMMENT = '...' | UNSET COMMENT: its owner only. */
function alterTag(ctx: TagContext, c: TokenCursor): StatementResult {
  const parts = c.qualifiedName('tag name');
  const fq = visibleTag(ctx, parts);
  if (!owns(ctx, 'TAG', fq)) throw SnowflakeError.insufficientPrivileges(`tag '${parts[parts.length - 1]}'`);
  const tag = ctx.catalog.tag(fq)!;
  const values = () => {
    const out: string[] = [];
    do out.push(c.string('allowed value'));
    while (c.acceptPunct(','));
    return out;
  };
  if (c.acceptWords('ADD', 'ALLOWED_VALUES')) {
    const added = values();
    ctx.catalog.updateTag(fq, { allowedValues: [...new Set([...(tag.allowedValues ?? []), ...added])] });
  } else if (c.acceptWords('DROP', 'ALLOWED_VALUES')) {
    const dropped = new Set(values());
    ctx.catalog.updateTag(fq, { allowedValues: (tag.allowedValues ?? []).filter((v) => !dropped.has(v)) });
  } else if (c.acceptWords('UNSET', 'ALLOWED_VALUES')) {
    ctx.catalog.updateTag(fq, { allowedValues: undefined });
  } else if (c.acceptWords('SET', 'COMMENT')) {
    c.expectPunct('=');
    ctx.catalog.updateTag(fq, { comment: c.string('comment') });
  } else if (c.acceptWords('UNSET', 'COMMENT')) {
    ctx.catalog.updateTag(fq, { comment: undefined });
  } else c.fail('expected ADD/DROP/UNSET ALLOWED_VALUES or SET/UNSET COMMENT');
  c.end();
  return status('Statement executed successfully.');
}

/** SHOW TAGS [LIKE 'p'] [IN ACCOUNT | IN DATABASE d | IN SCHEMA s]: the tags the role owns, may apply, or whose schema it uses. */
function showTags(ctx: TagContext, c: TokenCursor): StatementResult {
  let like: RegExp | undefined;
  if (c.acceptWords('LIKE')) like = new RegExp(`^${c.string('pattern').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i');
  let prefix = '';
  if (c.acceptWords('IN')) {
    if (c.acceptWords('ACCOUNT')) prefix = '';
    else if (c.acceptWords('DATABASE')) prefix = `${c.identifier('database name')}.`;
    else if (c.acceptWords('SCHEMA')) prefix = `${qualify(ctx.session, c.qualifiedName('schema name'), 2)}.`;
    else c.fail('expected ACCOUNT, DATABASE or SCHEMA');
  }
  c.end();
  const rows: Cell[][] = ctx.catalog
    .tags()
    .filter((t) => t.name.startsWith(prefix))
    .filter((t) => isAdmin(ctx) || ctx.catalog.hasAny(ctx.roles, 'TAG', t.name) || canSeeSchema(ctx, t.name.split('.').slice(0, 2).join('.')))
    .map((t) => {
      const [database, schema, name] = t.name.split('.') as [string, string, string];
      return [t.createdOn, name, database, schema, ctx.catalog.ownerOf('TAG', t.name) ?? null, t.comment ?? '', t.allowedValues ? JSON.stringify(t.allowedValues) : null, 'ROLE'];
    })
    .filter((r) => !like || like.test(String(r[1])));
  return { rowtype: ['created_on', 'name', 'database_name', 'schema_name', 'owner', 'comment', 'allowed_values', 'owner_role_type'].map((n) => column(n, 'text')), rowset: rows, statementTypeId: 0x4000 };
}

/**
 * ALTER TABLE|VIEW [IF EXISTS] t SET TAG tag = 'v' [, ...] | UNSET TAG tag [, ...]
 * ALTER TABLE|VIEW t { MODIFY | ALTER } [COLUMN] c SET TAG tag = 'v' [, ...] | UNSET TAG tag [, ...]
 * (https://docs.snowflake.com/en/sql-reference/sql/alter-table#label-alter-table-tag, #label-alter-table-modify-column-tag)
 */
async function setOnTable(ctx: TagContext, c: TokenCursor): Promise<StatementResult> {
  if (!c.acceptWords('TABLE')) c.expectWords('VIEW');
  const ifExists = c.acceptWords('IF', 'EXISTS');
  const parts = c.qualifiedName('table name');
  const fq = qualify(ctx.session, parts, 3);
  let columnName: string | undefined;
  if (c.acceptWords('MODIFY') || c.acceptWords('ALTER')) {
    c.acceptWords('COLUMN');
    columnName = c.identifier('column name');
  }
  const setting = c.acceptWords('SET', 'TAG') ? true : (c.expectWords('UNSET', 'TAG'), false);
  const changes: { tag: string; value?: string }[] = [];
  do {
    const tagParts = c.qualifiedName('tag name');
    let value: string | undefined;
    if (setting) {
      c.expectPunct('=');
      value = c.string('tag value');
    }
    changes.push({ tag: qualify(ctx.session, tagParts, 3), value });
  } while (c.acceptPunct(','));
  c.end();

  const columns = await ctx.columnsOf(fq);
  if (!columns || !tableVisible(ctx, fq)) {
    if (ifExists && !columns) return status('Statement executed successfully.');
    throw SnowflakeError.notFound('Table', fq);
  }
  if (columnName !== undefined && !columns.includes(columnName)) {
    throw new SnowflakeError('000904', `SQL compilation error: error line 1 at position 0\ninvalid identifier '${columnName === columnName.toUpperCase() ? columnName : `"${columnName}"`}'`, '42000');
  }
  for (const change of changes) {
    const tag = ctx.catalog.tag(change.tag);
    if (!tag || !(isAdmin(ctx) || canSeeSchema(ctx, change.tag.split('.').slice(0, 2).join('.')) || ctx.catalog.hasAny(ctx.roles, 'TAG', change.tag))) throw SnowflakeError.notFound('Tag', change.tag);
    // APPLY TAG on the account, or APPLY on the tag and ownership of the table.
    const mayApply = ctx.catalog.has(ctx.roles, 'APPLY TAG', 'ACCOUNT', '') || (ctx.catalog.has(ctx.roles, 'APPLY', 'TAG', change.tag) && owns(ctx, 'TABLE', fq));
    if (!mayApply) throw SnowflakeError.insufficientPrivileges(`table '${parts[parts.length - 1]}'`);
    if (change.value !== undefined && tag.allowedValues && !tag.allowedValues.includes(change.value)) {
      throw new SnowflakeError('003182', `SQL execution error:\nTag value '${change.value}' is not allowed for tag '${change.tag}'. Allowed values: ${tag.allowedValues.join(', ')}.`, '22023');
    }
  }
  for (const change of changes) {
    if (change.value !== undefined) ctx.catalog.setTag(change.tag, fq, columnName, change.value);
    else ctx.catalog.unsetTag(change.tag, fq, columnName);
  }
  return { ...status('Statement executed successfully.'), statementTypeId: DDL };
}

/** The table an object name in a string names, visible to the role, with its columns; 002003 otherwise. */
async function visibleTable(ctx: TagContext, parts: string[], kind: string): Promise<{ fq: string; columns: string[] }> {
  const fq = qualify(ctx.session, parts, 3);
  const columns = await ctx.columnsOf(fq);
  if (!columns || !tableVisible(ctx, fq)) throw SnowflakeError.notFound(kind, fq);
  return { fq, columns };
}

/** `db.schema.table.column` (or shorter, resolved against the session) of a table the role may see. */
async function visibleColumn(ctx: TagContext, objectName: string): Promise<{ fq: string; columnName: string }> {
  const parts = namePartsOf(objectName);
  if (parts.length < 2) throw SnowflakeError.syntax(`invalid column name '${objectName}'.`);
  const columnName = parts.pop()!;
  const { fq, columns } = await visibleTable(ctx, parts, 'Table');
  if (!columns.includes(columnName)) throw new SnowflakeError('000904', `SQL compilation error:\ninvalid identifier '${columnName}'`, '42000');
  return { fq, columnName };
}

/**
 * SYSTEM$GET_TAG('tag', 'object', 'TABLE' | 'COLUMN') (https://docs.snowflake.com/en/sql-reference/functions/system_get_tag):
 * the value set on that object or column, NULL when none. Needs USAGE on the tag's schema and the
 * right to DESCRIBE the object.
 */
export async function getTag(ctx: TagContext, tagName: string, objectName: string, domain: string): Promise<string | null> {
  const tag = visibleTag(ctx, namePartsOf(tagName));
  const kind = domain.trim().toUpperCase();
  if (kind === 'TABLE') {
    const { fq } = await visibleTable(ctx, namePartsOf(objectName), 'Table');
    return ctx.catalog.tagReferences().find((r) => r.tag === tag && r.object === fq && r.column === undefined)?.value ?? null;
  }
  if (kind === 'COLUMN') {
    const { fq, columnName } = await visibleColumn(ctx, objectName);
    return ctx.catalog.tagReferences().find((r) => r.tag === tag && r.object === fq && r.column === columnName)?.value ?? null;
  }
  throw SnowflakeError.unsupported(`SYSTEM$GET_TAG on the ${kind} domain`);
}

/** Columns of TAG_REFERENCES and TAG_REFERENCES_ALL_COLUMNS (https://docs.snowflake.com/en/sql-reference/functions/tag_references_all_columns). */
export const TAG_REFERENCE_COLUMNS = ['TAG_DATABASE', 'TAG_SCHEMA', 'TAG_NAME', 'TAG_VALUE', 'APPLY_METHOD', 'LEVEL', 'OBJECT_DATABASE', 'OBJECT_SCHEMA', 'OBJECT_NAME', 'DOMAIN', 'COLUMN_NAME'] as const;

function referenceRow(r: TagReference, level: 'TABLE' | 'COLUMN', method: 'MANUAL' | 'INHERITED', domain: 'TABLE' | 'COLUMN', column: string | null): (string | null)[] {
  const [tagDatabase, tagSchema, tagName] = r.tag.split('.') as [string, string, string];
  const [objectDatabase, objectSchema, objectName] = r.object.split('.') as [string, string, string];
  return [tagDatabase, tagSchema, tagName, r.value, method, level, objectDatabase, objectSchema, objectName, domain, column];
}

/** A column's tags: its own, then the table's that the column does not override (tag inheritance). */
function columnRows(refs: readonly TagReference[], fq: string, columnName: string): (string | null)[][] {
  const own = refs.filter((r) => r.object === fq && r.column === columnName);
  const inherited = refs.filter((r) => r.object === fq && r.column === undefined && !own.some((o) => o.tag === r.tag));
  return [...own.map((r) => referenceRow(r, 'COLUMN', 'MANUAL', 'COLUMN', columnName)), ...inherited.map((r) => referenceRow(r, 'TABLE', 'INHERITED', 'COLUMN', columnName))];
}

/**
 * Rows of INFORMATION_SCHEMA.TAG_REFERENCES('object', 'TABLE' | 'COLUMN') and
 * TAG_REFERENCES_ALL_COLUMNS('table', 'TABLE'): only for an object the role has access to.
 */
export async function tagReferenceRows(ctx: TagContext, fn: 'TAG_REFERENCES' | 'TAG_REFERENCES_ALL_COLUMNS', objectName: string, domain: string): Promise<(string | null)[][]> {
  const kind = domain.trim().toUpperCase();
  const refs = ctx.catalog.tagReferences();
  if (fn === 'TAG_REFERENCES_ALL_COLUMNS') {
    if (kind !== 'TABLE') throw new SnowflakeError('002140', `SQL compilation error:\nInvalid object domain '${domain}' for TAG_REFERENCES_ALL_COLUMNS: only TABLE is supported.`, '22023');
    const { fq, columns } = await visibleTable(ctx, namePartsOf(objectName), 'Table');
    return columns.flatMap((name) => columnRows(refs, fq, name));
  }
  if (kind === 'TABLE') {
    const { fq } = await visibleTable(ctx, namePartsOf(objectName), 'Table');
    return refs.filter((r) => r.object === fq && r.column === undefined).map((r) => referenceRow(r, 'TABLE', 'MANUAL', 'TABLE', null));
  }
  if (kind === 'COLUMN') {
    const { fq, columnName } = await visibleColumn(ctx, objectName);
    return columnRows(refs, fq, columnName);
  }
  throw SnowflakeError.unsupported(`TAG_REFERENCES on the ${kind} domain`);
}

/** A call of SYSTEM$GET_TAG or an Information Schema tag function in a statement, by token range [from, to). */
export interface TagCall {
  from: number;
  to: number;
  kind: 'GET_TAG' | 'TAG_REFERENCES' | 'TAG_REFERENCES_ALL_COLUMNS';
  args: string[];
  /** The database whose INFORMATION_SCHEMA is named (table functions). */
  database?: string;
}

/**
 * Finds SYSTEM$GET_TAG('a', 'b', 'c') and TABLE([db.]INFORMATION_SCHEMA.TAG_REFERENCES[_ALL_COLUMNS]('a', 'b'))
 * in a statement. Arguments must be string literals (constants, as Snowflake requires for these).
 */
export function findTagCalls(tokens: Token[], session: AccountSession): TagCall[] {
  const calls: TagCall[] = [];
  const isName = (t: Token | undefined) => !!t && (t.kind === 'word' || t.kind === 'quoted');
  const isPunct = (k: number, v: string) => tokens[k]?.kind === 'punct' && tokens[k]!.value === v;
  /** String arguments of the call whose `(` is at open: [args, index of its `)`]. */
  const stringArgs = (open: number, name: string): [string[], number] => {
    const args: string[] = [];
    let k = open + 1;
    while (!isPunct(k, ')')) {
      const t = tokens[k];
      if (t?.kind !== 'string') throw SnowflakeError.unsupported(`${name} with arguments other than string literals`);
      args.push(t.value);
      k++;
      if (isPunct(k, ',')) k++;
      else if (!isPunct(k, ')')) throw SnowflakeError.syntax(`line 1 at position ${tokens[k]?.start ?? 0} unexpected '${tokens[k]?.text ?? '<EOF>'}'.`);
    }
    return [args, k];
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'word' && t.value === 'SYSTEM$GET_TAG' && isPunct(k + 1, '(')) {
      const [args, close] = stringArgs(k + 1, 'SYSTEM$GET_TAG');
      if (args.length !== 3) throw new SnowflakeError('000938', `SQL compilation error:\nerror line 1 at position ${t.start}\nnot enough arguments for function [SYSTEM$GET_TAG], expected 3, got ${args.length}`, '42601');
      calls.push({ from: k, to: close + 1, kind: 'GET_TAG', args });
      k = close;
      continue;
    }
    if (!(t.kind === 'word' && t.value === 'TABLE' && isPunct(k + 1, '('))) continue;
    // TABLE( name.chain ( args ) )
    let j = k + 2;
    const chain: string[] = [];
    while (isName(tokens[j])) {
      chain.push(tokens[j]!.value);
      j++;
      if (isPunct(j, '.')) j++;
      else break;
    }
    const fn = chain[chain.length - 1];
    if (fn !== 'TAG_REFERENCES' && fn !== 'TAG_REFERENCES_ALL_COLUMNS') continue;
    if (!isPunct(j, '(')) continue;
    const qualifier = chain.slice(0, -1);
    const inInformationSchema = qualifier.length > 0 ? qualifier[qualifier.length - 1] === 'INFORMATION_SCHEMA' : session.schema === 'INFORMATION_SCHEMA';
    // https://docs.snowflake.com/en/sql-reference/info-schema : the schema in use or a qualified name.
    if (!inInformationSchema || qualifier.length > 2) throw new SnowflakeError('002140', `SQL compilation error:\nUnknown function ${chain.join('.')}`, '42601');
    const [args, close] = stringArgs(j, fn);
    if (args.length !== 2) throw new SnowflakeError('000938', `SQL compilation error:\nerror line 1 at position ${tokens[j]!.start}\ninvalid number of arguments for function [${fn}], expected 2, got ${args.length}`, '42601');
    if (!isPunct(close + 1, ')')) continue;
    const database = qualifier.length === 2 ? qualifier[0] : session.database;
    calls.push({ from: k, to: close + 2, kind: fn, args, ...(database ? { database } : {}) });
    k = close + 1;
  }
  return calls;
}

