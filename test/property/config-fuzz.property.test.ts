// Fuzzing the config loader (issue 8): random text, mutated example files and example files
// with a random value at a random key path either load or fail with a ConfigError (what
// `pantau check-config` reports with exit 2), never with any other exception.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseCollectorConfig } from '../../config/collector.js';
import { parseAgentConfig } from '../../config/agent.js';
import { ConfigError } from '../../config/load.js';

const env = {
  PANTAU_AGENT1_TOKEN: 'agent-token-0123456789',
  PANTAU_BACKUP_DINKES: 'backup-token-0123456789',
  PANTAU_BUDI_TOKEN: 'budi-token-0123456789',
  PANTAU_WALL_TOKEN: 'wall-token-0123456789',
  SNMP_COMMUNITY: 'public',
  K1: 'authkey-0123456789',
  K2: 'privkey-0123456789',
  NAME: 'x',
};
const examples = {
  collector: readFileSync('config/examples/collector.yaml', 'utf8'),
  agent: readFileSync('config/examples/agent.yaml', 'utf8'),
};
const parsers = {
  collector: (t: string) => parseCollectorConfig('fuzz.yaml', t, { env }),
  agent: (t: string) => parseAgentConfig('fuzz.yaml', t, { env }),
};

/** Loads or fails with a ConfigError naming the file; anything else fails the property. */
function loadsOrConfigError(kind: keyof typeof parsers, text: string): void {
  try {
    parsers[kind](text);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw new Error(`${kind} config loader crashed: ${(e as Error)?.stack ?? e}\n--- input ---\n${text.slice(0, 2000)}`);
    expect(e.message.startsWith('fuzz.yaml: invalid configuration')).toBe(true);
    expect(e.problems.length).toBeGreaterThan(0);
  }
}

const kind = fc.constantFrom<keyof typeof parsers>('collector', 'agent');

/** A text edit: delete, insert or replace a slice at a position (as fractions of the length). */
const edit = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  len: fc.integer({ min: 0, max: 40 }),
  insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(':', '- ', '\n', '  ', '{', '}', '[', ']', '"', "'", '&a', '*a', '!!binary', '${', '${NOPE}', '#', '?', '|', '>', '\t', '0x1F', '1e400', '-1', 'null', '~')),
});

function applyEdits(text: string, edits: { at: number; len: number; insert: string }[]): string {
  let t = text;
  for (const e of edits) {
    const i = Math.floor(e.at * t.length);
    t = t.slice(0, i) + e.insert + t.slice(i + e.len);
  }
  return t;
}

/** Sets `value` at a path chosen by `picks` through the parsed example (objects and arrays). */
function setAtPath(root: unknown, picks: number[], value: unknown): unknown {
  const doc = structuredClone(root) as Record<string, unknown>;
  let cur: Record<string, unknown> = doc;
  for (let d = 0; d < picks.length; d++) {
    const keys = Object.keys(cur);
    if (keys.length === 0) break;
    const k = keys[picks[d] % keys.length];
    const next = cur[k];
    if (d === picks.length - 1 || next === null || typeof next !== 'object') {
      cur[k] = value;
      break;
    }
    cur = next as Record<string, unknown>;
  }
  return doc;
}

describe('config loader fuzz (property)', () => {
  it('gives a ConfigError, never a crash, for random text', () => {
    fc.assert(
      fc.property(kind, fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.json({ maxDepth: 4 })), (k, text) => loadsOrConfigError(k, text)),
      { numRuns: 300, seed: 1 },
    );
  });

  it('gives a ConfigError, never a crash, for mutated example files', () => {
    fc.assert(
      fc.property(kind, fc.array(edit, { minLength: 1, maxLength: 6 }), (k, edits) => loadsOrConfigError(k, applyEdits(examples[k], edits))),
      { numRuns: 300, seed: 2 },
    );
  });

  it('gives a ConfigError, never a crash, for any value at any key path of an example', () => {
    const value = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, '', ' ', '${MISSING}', 'Mars/Olympus', '99:99', [], {}, null));
    fc.assert(
      fc.property(kind, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), value, (k, picks, v) => {
        const doc = setAtPath(parse(examples[k]), picks, v);
        let text: string;
        try {
          text = stringify(doc);
        } catch {
          return; // a value YAML cannot write (a symbol, a function): nothing to load
        }
        loadsOrConfigError(k, text);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
