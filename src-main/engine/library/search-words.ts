/**
 * The search box's text as an FTS5 query over photo_text: every word must match, in any column,
 * as search-as-you-type reads it: the last word is still being typed, so it matches as a word
 * prefix ("squir" finds "Squirrel"); the words before it, and a last word the text has closed
 * ("j1-", "dog."), match whole ("j1" finds "j1-obama.jpg", not "j1k-two.jpg"). Words are split as
 * the unicode61 tokenizer splits them (letters and digits) and quoted, so nothing typed is read as
 * FTS5 syntax (AND, NEAR, a stray quote, a column filter). Null when the text has no word at all
 * ("--"): only the file-name match applies then.
 */
export function ftsQuery(text: string): string | null {
  const normal = text.normalize('NFKC');
  const words = normal.match(/[\p{L}\p{N}]+/gu);
  if (!words) return null;
  const open = /[\p{L}\p{N}]$/u.test(normal);
  return words.map((word, i) => (i === words.length - 1 && open ? `"${word}"*` : `"${word}"`)).join(' ');
}
