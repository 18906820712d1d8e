import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { SnowflakeQueryError, type QueryResult, type SqlRunner } from './runner';

export const SERVER_NAME = 'gatehouse-snowflake';
export const SERVER_VERSION = '0.1.0';

const objectTypes = ['database', 'schema', 'table', 'view'] as const;

/** One identifier part: unquoted (letters, digits, _ and $) or double-quoted without quotes inside. */
const IDENTIFIER = /^(?:[A-Za-z_][A-Za-z0-9_$]{0,254}|"[^"]{1,255}")$/;

export class InvalidIdentifierError extends Error {}

function identifier(value: string, what: string): string {
  if (!IDENTIFIER.test(value)) throw new InvalidIdentifierError(`${what} "${value}" is not a Snowflake identifier (letters, digits, _ and $, or a double-quoted name)`);
  return value;
}

/** Splits DB.SCHEMA.NAME (quoted parts may contain dots) and checks each part. */
export function qualifiedName(value: string, what: string): string {
  const parts = value.match(/"[^"]*"|[^.]+/g) ?? [];
  if (parts.length === 0 || parts.length > 3 || parts.join('.') !== value) throw new InvalidIdentifierError(`${what} "${value}" must be NAME, SCHEMA.NAME or DATABASE.SCHEMA.NAME`);
  return parts.map((p) => identifier(p, what)).join('.');
}

export function showStatement(objectType: (typeof objectTypes)[number], database?: string, schema?: string): string {
  switch (objectType) {
    case 'database':
      return 'SHOW DATABASES';
    case 'schema':
      return database ? `SHOW SCHEMAS IN DATABASE ${identifier(database, 'database_name')}` : 'SHOW SCHEMAS';
    case 'table':
    case 'view': {
      const word = objectType === 'table' ? 'TABLES' : 'VIEWS';
      if (schema) return `SHOW ${word} IN SCHEMA ${database ? `${identifier(database, 'database_name')}.` : ''}${identifier(schema, 'schema_name')}`;
      if (database) return `SHOW ${word} IN DATABASE ${identifier(database, 'database_name')}`;
      return `SHOW ${word}`;
    }
  }
}

/** A table result as MCP wants it: structuredContent for programs, the same JSON as text for models. */
export function tableResult(result: QueryResult, note?: string): CallToolResult {
  const structured = { columns: result.columns, rows: result.rows, rowCount: result.rowCount, truncated: result.truncated, rowLimit: result.rowLimit };
  return {
    content: [{ type: 'text', text: JSON.stringify(structured) }, ...(note ? [{ type: 'text' as const, text: note }] : [])],
    structuredContent: structured,
  };
}

function failure(error: unknown): CallToolResult {
  if (error instanceof SnowflakeQueryError) {
    return { isError: true, content: [{ type: 'text', text: `Snowflake error${error.code ? ` ${error.code}` : ''}${error.sqlState ? ` (SQL state ${error.sqlState})` : ''}: ${error.message}` }] };
  }
  if (error instanceof InvalidIdentifierError) return { isError: true, content: [{ type: 'text', text: error.message }] };
  return { isError: true, content: [{ type: 'text', text: `the query failed: ${(error as Error)?.message ?? String(error)}` }] };
}

const tableOutput = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
  rowCount: z.number().int(),
  truncated: z.boolean(),
  rowLimit: z.number().int(),
});

/**
 * The reference Snowflake MCP server (one instance per connection: main.ts serves it to clients of
 * both MCP eras). Tool names and shapes follow Snowflake-Labs' MCP server where it makes sense. It trusts the gateway in front of it for policy; Snowflake's role grants
 * bound what it can reach; its row limit bounds what it returns.
 */
export function createSnowflakeMcpServer(runner: SqlRunner): McpServer {
  const server = new McpServer({ name: SERVER_NAME, version: SERVER_VERSION }, { capabilities: { tools: {} } });

  server.registerTool('run_snowflake_query', {
    title: 'Run a Snowflake SQL statement',
    description: 'Runs one SQL statement in Snowflake with the session\'s role and returns its rows (columns + rows), up to the row limit.',
    inputSchema: z.object({ statement: z.string().min(1).describe('One SQL statement in Snowflake\'s dialect') }),
    outputSchema: tableOutput,
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
  }, async ({ statement }, ctx) => {
    try {
      const result = await runner.run(statement, ctx.mcpReq.signal);
      return tableResult(result, result.truncated ? `showing ${result.rows.length} of ${result.rowCount} rows (row limit ${result.rowLimit}); add a LIMIT or a narrower WHERE` : undefined);
    } catch (error) {
      return failure(error);
    }
  });

  server.registerTool('list_objects', {
    title: 'List Snowflake objects',
    description: 'Lists databases, schemas, tables or views the session\'s role can see, optionally within a database and schema.',
    inputSchema: z.object({
      object_type: z.enum(objectTypes).describe('What to list'),
      database_name: z.string().min(1).optional(),
      schema_name: z.string().min(1).optional(),
    }),
    outputSchema: tableOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ object_type, database_name, schema_name }) => {
    try {
      return tableResult(await runner.run(showStatement(object_type, database_name, schema_name)));
    } catch (error) {
      return failure(error);
    }
  });

  server.registerTool('describe_object', {
    title: 'Describe a Snowflake table or view',
    description: 'Columns of a table or view: name, type, nullability, default, keys.',
    inputSchema: z.object({ target_object: z.string().min(1).describe('NAME, SCHEMA.NAME or DATABASE.SCHEMA.NAME') }),
    outputSchema: tableOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ target_object }) => {
    try {
      return tableResult(await runner.run(`DESCRIBE TABLE ${qualifiedName(target_object, 'target_object')}`));
    } catch (error) {
      return failure(error);
    }
  });

  return server;
}
