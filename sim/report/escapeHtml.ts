// Every piece of text that goes into the HTML or SVG passes through here.

const REPLACEMENTS: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for element content and for quoted attribute values. */
export function escapeHtml(text: string | number | bigint | boolean): string {
  return String(text).replace(/[&<>"']/g, (c) => REPLACEMENTS[c]);
}
