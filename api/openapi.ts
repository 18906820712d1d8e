import { z } from 'zod';
import { problemSchema, PROBLEM_CONTENT_TYPE } from './problem';
import type { RouteDefinition, RouteGroup } from './route';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function parameters(route: RouteDefinition): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query' | 'header', schema: z.ZodObject<z.ZodRawShape> | undefined) => {
    if (!schema) return;
    const json = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      const { description, ...propertySchema } = property;
      out.push({
        name: where === 'header' ? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase()) : name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: propertySchema,
      });
    }
  };
  add('path', route.params);
  add('query', route.query);
  add('header', route.headers);
  return out;
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(groups: RouteGroup[], info: { issuer?: string; serverUrl?: string; version: string }): JsonSchema {
  const problem = { content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const group of groups) {
    for (const route of group.routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const responses: Record<string, JsonSchema> = {};
      for (const [status, response] of Object.entries(route.responses)) {
        const isError = Number(status) >= 400;
        responses[status] = {
          description: response.description,
          ...(response.schema ? { content: { [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema, 'output') } } } : {}),
          ...(isError && !response.schema ? problem : {}),
        };
      }
      if (route.body || route.params || route.query) responses['400'] ??= { description: 'The request is malformed or fails validation', ...problem };
      if (!route.public) {
        responses['401'] ??= { description: 'No valid bearer token', ...problem };
        responses['403'] ??= { description: 'The token lacks a scope, or policy refuses', ...problem };
      }
      responses.default = { description: 'An error', ...problem };
      (paths[path] ??= {})[route.method] = {
        operationId: route.operationId,
        summary: route.summary,
        ...(route.description ? { description: route.description } : {}),
        tags: route.tags ?? [group.name],
        security: route.public ? [] : [{ oidc: route.scopes }],
        parameters: parameters(route),
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
        responses,
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse API',
      version: info.version,
      description: 'Just-in-time access to PHI in Snowflake for agents and operators. Every route except health and this document needs an OIDC bearer token.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: groups.map((g) => ({ name: g.name, ...(g.description ? { description: g.description } : {}) })),
    paths,
    components: {
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
      securitySchemes: {
        oidc: info.issuer
          ? { type: 'openIdConnect', openIdConnectUrl: `${info.issuer.replace(/\/$/, '')}/.well-known/openid-configuration` }
          : { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
    },
  };
}
