// Every API error code is defined once (collector/api/errors.ts) and documented in README's
// table with the same status; the table lists no code the collector does not have.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, statusOf } from '../../collector/api/errors.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const documented = new Map([...readme.matchAll(/^\| `(PANTAU_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]));

describe('API error codes', () => {
  it('are each documented in README with their status', () => {
    expect(ERROR_CODES.length).toBeGreaterThan(5);
    for (const code of ERROR_CODES) expect([code, documented.get(code)]).toEqual([code, statusOf(code)]);
  });
  it('README documents no code that does not exist', () => {
    expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
  });
});
