// HTML escaping for every text that reaches the report (OPD names come from config, reasons
// and flags from the evaluation): safe in element content and in quoted attributes.
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => MAP[c]);
}

/** Escaped running text whose figures keep their unit on the same line ("30&nbsp;Mbit/s", "85,4&nbsp;%"). */
export function escapeProse(s: string): string {
  return escapeHtml(s).replace(/(\d) (?=(?:GB|TB|Mbit\/s|%)(?![\p{L}\d]))/gu, '$1&nbsp;');
}
