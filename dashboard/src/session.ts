// The page's calls to the collector with its session cookie (HttpOnly: the page never sees
// the token after sign-in). Writes carry X-Pantau-Request, which the collector requires of
// cookie-authenticated writes.
export async function api(path: string, init: RequestInit = {}): Promise<any> {
  const r = await fetch(path, {
    ...init,
    credentials: 'same-origin',
    headers: { 'x-pantau-request': '1', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
  });
  if (!r.ok) throw new Error(`${r.status}`);
  return r.json();
}

/** Who the session cookie signs in; undefined without a (valid) session. Throws when the collector is unreachable. */
export async function whoAmI(): Promise<{ name: string; role: string } | undefined> {
  try {
    return await api('/api/v1/session');
  } catch (e) {
    if ((e as Error).message === '401' || (e as Error).message === '403') return undefined;
    throw e;
  }
}

/** Exchanges a token for the session cookie; undefined when it is refused. */
export async function signIn(token: string): Promise<{ name: string; role: string } | undefined> {
  if (!token) return undefined;
  try {
    return await api('/api/v1/session', { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  } catch {
    return undefined;
  }
}
