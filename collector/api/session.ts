// Browser sessions: the wall's and the operator's token in HttpOnly cookies, so that a token
// never sits in page script, the address bar or a bookmark. A request without an
// Authorization header but with a session cookie is treated as if it carried that token
// (operator cookie first). Writes authenticated by a cookie need the `X-Pantau-Request`
// header (a cross-site form cannot send it) besides SameSite=Strict.
import type { IncomingHttpHeaders } from 'node:http';

/** The wall display's viewer session: long-lived, a wall never logs out. */
export const WALL_COOKIE = 'pantau_wall';
/** An operator's session on a display: ends after `OPERATOR_SESSION_S`. */
export const OPERATOR_COOKIE = 'pantau_operator';
export const WALL_SESSION_S = 10 * 365 * 86_400;
export const OPERATOR_SESSION_S = 12 * 3600;
export const CSRF_HEADER = 'x-pantau-request';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      /* a malformed cookie is ignored */
    }
  }
  return out;
}

/** The token a session cookie carries, if any (operator first). */
export function sessionToken(headers: IncomingHttpHeaders): string | undefined {
  const c = parseCookies(headers.cookie);
  return c.get(OPERATOR_COOKIE) || c.get(WALL_COOKIE) || undefined;
}

export function setCookie(name: string, value: string, maxAgeS: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export const clearCookie = (name: string, secure: boolean): string => setCookie(name, '', 0, secure);

/** Whether the request's Origin (when a browser sent one) is this server (Host). */
export function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
