// Reading a YAML config: `${ENV}` interpolation, schema validation, and errors that name the
// file, the key path, what was expected and what was found. Every error at once.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { closestKey, keysAt } from './keys.js';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats a key path the way a user writes it: `opds[2].quota.volumeGB`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

/** Keys whose values are secrets: never printed, not even when they are wrong (only their length). */
export function isSecretKey(key: PropertyKey | undefined): boolean {
  return typeof key === 'string' && /token|community|key$|password|secret/i.test(key);
}

function describe(value: unknown, secret = false): string {
  if (secret && typeof value === 'string') return `a value of ${value.length} characters`;
  if (secret && (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')) return `a ${typeof value}`;
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

/** Replaces `${NAME}` in every string value; a missing variable is an error with its path. */
function interpolate(value: unknown, path: PropertyKey[], env: NodeJS.ProcessEnv, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${formatPath(path)}: expected environment variable ${name} to be set, found it unset`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, problems));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, [...path, k], env, problems);
    return out;
  }
  return value;
}

export function zodProblems(error: z.ZodError, raw: unknown, schema?: z.ZodType): string[] {
  const out: string[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const valid = schema ? keysAt(schema, path) : [];
      for (const key of issue.keys) {
        const near = closestKey(key, valid);
        const hint = near ? ` (did you mean ${near}?)` : '';
        out.push(`${formatPath([...path, key])}: unknown key${hint}; expected one of ${valid.length ? valid.join(', ') : 'the documented keys'}`);
      }
      continue;
    }
    const secret = isSecretKey(path.at(-1));
    if (issue.code === 'invalid_union' && 'errors' in issue) {
      out.push(`${formatPath(path)}: ${issue.message}, found ${describe(valueAt(raw, path), secret)}`);
      continue;
    }
    const found = valueAt(raw, path);
    let msg = issue.message.replace(/^Invalid input: /, '');
    if (!/found|received/.test(msg)) msg += `, found ${describe(found, secret)}`;
    out.push(`${formatPath(path)}: ${msg}`);
  }
  return out;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder that relative paths in the config are relative to: the config file's folder when loaded from a file. */
  baseDir?: string;
}

/** What a kind of config file is checked against. */
export interface ConfigSpec<S extends z.ZodType> {
  schema: S;
  /** Cross-reference checks the schema cannot express; each problem names its key path. */
  check: (cfg: z.infer<S>) => string[];
  /** Checks only the YAML text can answer (how a number was written). */
  source?: (doc: Document) => string[];
  /** Makes relative paths absolute, against the config file's folder (or the working folder). */
  paths?: (cfg: z.infer<S>, resolvePath: (p: string) => string) => z.infer<S>;
}

/** Parses YAML text and validates it; throws ConfigError listing every problem. */
export function parseConfig<S extends z.ZodType>(file: string, text: string, spec: ConfigSpec<S>, opts: LoadOptions = {}): z.infer<S> {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => `line ${e.linePos?.[0]?.line ?? '?'}: YAML syntax: ${e.message.split('\n')[0]}`),
    );
  }
  const raw = doc.toJS() as unknown;
  const problems: string[] = [];
  const interpolated = interpolate(raw, [], opts.env ?? process.env, problems);
  problems.push(...(spec.source?.(doc) ?? []));
  const parsed = spec.schema.safeParse(interpolated);
  if (!parsed.success) {
    // A value emptied by a missing variable, or refused for how it was written, is already
    // reported with its cause.
    const reported = problems.map((p) => p.slice(0, p.indexOf(':')));
    problems.push(...zodProblems(parsed.error, interpolated, spec.schema).filter((p) => !reported.includes(p.slice(0, p.indexOf(':')))));
  } else problems.push(...spec.check(parsed.data));
  if (problems.length) throw new ConfigError(file, problems);
  const base = opts.baseDir ?? process.cwd();
  const cfg = spec.paths ? spec.paths(parsed.data as z.infer<S>, (p) => (isAbsolute(p) || p === ':memory:' ? p : resolve(base, p))) : parsed.data;
  return deepFreeze(cfg as z.infer<S>);
}

/** Reads and parses a config file; relative paths in it are relative to the file's folder. */
export function loadConfigFile<S extends z.ZodType>(file: string, spec: ConfigSpec<S>, opts: LoadOptions = {}): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  return parseConfig(file, text, spec, { baseDir: dirname(resolve(file)), ...opts });
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
