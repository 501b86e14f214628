// The longest interface name the collector stores, and the one way an over-long name is cut
// (by the agent at the edge, by the collector for an older agent): stably, so every poll gives
// the same name, and visibly, so nobody mistakes it for the device's own.
//
// `<the first 119 characters>…<8 hex digits>`: the digits are FNV-1a (32-bit) of the whole
// name's UTF-16 code units, so two long names sharing their first 119 characters stay apart.

/** In UTF-16 code units, as JavaScript's `length` counts them. */
export const MAX_INTERFACE_NAME = 128;

const KEEP = MAX_INTERFACE_NAME - 9; // "…" and eight hex digits

/** `name` itself when it fits, else its stable cut form (at most MAX_INTERFACE_NAME long). */
export function cutInterfaceName(name: string): string {
  if (name.length <= MAX_INTERFACE_NAME) return name;
  let keep = KEEP;
  const c = name.charCodeAt(keep - 1);
  if (c >= 0xd800 && c <= 0xdbff) keep--; // never split a surrogate pair
  return `${name.slice(0, keep)}…${fnv1a(name)}`;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
