// Token lookup compares the whole token (issue 9 part 4): a token that differs from a valid one
// only in its last bytes, or is a valid one cut short or lengthened, is refused with 401.
import { describe, expect, it } from 'vitest';
import { Auth } from '../../collector/api/auth.js';
import { ApiError } from '../../collector/api/errors.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { AGENT_TOKEN, OPERATOR_TOKEN, OTHER_AGENT_TOKEN, VIEWER_TOKEN, testConfigYaml } from '../helpers/collector.js';

const auth = new Auth(parseCollectorConfig('test.yaml', testConfigYaml('/nonexistent/pantau.db')));

function refusal(token: string): ApiError {
  try {
    auth.identify(`Bearer ${token}`);
  } catch (e) {
    return e as ApiError;
  }
  throw new Error(`token of ${token.length} characters was accepted`);
}

/** `t` with its last `n` characters replaced by other characters. */
const lastChanged = (t: string, n: number) => t.slice(0, t.length - n) + [...t.slice(-n)].map((c) => (c === 'x' ? 'y' : 'x')).join('');

describe('Auth.identify', () => {
  it('knows each agent and user by its exact token, with or without "Bearer"', () => {
    expect(auth.identify(`Bearer ${AGENT_TOKEN}`)).toEqual({ kind: 'agent', id: 'a1' });
    expect(auth.identify(OTHER_AGENT_TOKEN)).toEqual({ kind: 'agent', id: 'a2' });
    expect(auth.identify(`bearer  ${OPERATOR_TOKEN} `)).toEqual({ kind: 'user', id: 'budi', role: 'operator' });
    expect(auth.identify(`Bearer ${VIEWER_TOKEN}`)).toEqual({ kind: 'user', id: 'wall', role: 'viewer' });
  });

  it('refuses a token that differs from a valid one only in its last byte', () => {
    for (const t of [AGENT_TOKEN, VIEWER_TOKEN, OPERATOR_TOKEN]) {
      const e = refusal(lastChanged(t, 1));
      expect([e.status, e.code, e.message]).toEqual([401, 'PANTAU_UNAUTHORIZED', 'unknown token']);
    }
  });

  it('refuses a token that differs from a valid one only in its last 4 bytes', () => {
    expect(refusal(lastChanged(AGENT_TOKEN, 4)).code).toBe('PANTAU_UNAUTHORIZED');
  });

  it('refuses a valid token cut short by one character or lengthened by one', () => {
    expect(refusal(AGENT_TOKEN.slice(0, -1)).code).toBe('PANTAU_UNAUTHORIZED');
    expect(refusal(AGENT_TOKEN + '1').code).toBe('PANTAU_UNAUTHORIZED');
    expect(refusal(AGENT_TOKEN.slice(1)).code).toBe('PANTAU_UNAUTHORIZED');
  });

  it('refuses a missing token with its own message and never echoes a presented token', () => {
    let err: ApiError | undefined;
    try {
      auth.identify(undefined);
    } catch (e) {
      err = e as ApiError;
    }
    expect([err?.status, err?.code]).toEqual([401, 'PANTAU_UNAUTHORIZED']);
    expect(err?.message).toMatch(/^missing token/);
    const wrong = lastChanged(AGENT_TOKEN, 2);
    expect(refusal(wrong).message).not.toContain(wrong);
  });
});
