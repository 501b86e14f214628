// HTML escaping for every text that reaches the report (OPD names come from config, reasons
// and flags from the evaluation): safe in element content and in quoted attributes.
const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => MAP[c]);
}
