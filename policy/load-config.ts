import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, type GatehouseConfig } from './config-schema';

export const DEFAULT_CONFIG_PATH = 'gatehouse.yaml';

/** A configuration problem: which file, where in it, and what is wrong. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.GATEHOUSE_CONFIG ?? DEFAULT_CONFIG_PATH);
}

export function loadConfig(file = configPath()): GatehouseConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === 'ENOENT' ? 'file not found (set GATEHOUSE_CONFIG or copy gatehouse.example.yaml)' : `cannot read: ${(error as Error).message}`]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = '<inline>'): GatehouseConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(file, document.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0]}${lineOf(e.linePos)}`));
  }
  const result = configSchema.safeParse(document.toJS());
  if (!result.success) throw new ConfigError(file, result.error.issues.map(describeIssue));
  return result.data;
}

function lineOf(linePos: { line: number; col: number }[] | undefined): string {
  return linePos?.[0] ? ` (line ${linePos[0].line}, column ${linePos[0].col})` : '';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length === 0 ? '(top level)' : issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${path}: ${issue.message}`;
}
