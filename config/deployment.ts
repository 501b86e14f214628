// The `deployment` id: what tells one collector's points from another's in a central store.
import { hostname } from 'node:os';

export const DEPLOYMENT_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** The host name, lower-cased, its first label, anything outside the id's alphabet made "-" ("pantau" if nothing is left). */
export function defaultDeployment(host = hostname()): string {
  const first = host.toLowerCase().split('.')[0].replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 63);
  return DEPLOYMENT_ID.test(first) ? first : 'pantau';
}
