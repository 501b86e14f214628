// The prototype-poisoning check Fastify's JSON parser (secure-json-parse) makes: a `__proto__`
// key, or a `constructor` key holding `prototype`, makes a body malformed. The same quick tests
// on the text first; the object walk only when the text names a constructor.

const PROTO = /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"\s*:/;
const CONSTRUCTOR = /"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"\s*:/;

function hasConstructorPrototype(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasConstructorPrototype);
  const o = v as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(o, 'constructor') && o.constructor !== null && typeof o.constructor === 'object' && Object.prototype.hasOwnProperty.call(o.constructor, 'prototype')) return true;
  return Object.values(o).some(hasConstructorPrototype);
}

/** Whether `json` (JSON.parse of `text`) holds a forbidden prototype key. */
export function forbiddenPrototype(text: string, json: unknown): boolean {
  return PROTO.test(text) || (CONSTRUCTOR.test(text) && hasConstructorPrototype(json));
}

export const FORBIDDEN_PROTOTYPE = 'Object contains forbidden prototype property';
