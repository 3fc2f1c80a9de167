/**
 * Text ordering under the C collation: PostgreSQL then compares the UTF-8 bytes, which is the same as
 * comparing Unicode code points. JavaScript's `<` compares UTF-16 code units instead, which puts
 * astral characters (emoji, U+10000 and up) before U+E000..U+FFFF — wrong for byte order.
 * Databases with a linguistic collation (en_US.UTF-8, ICU) order differently; fan-out merging
 * assumes C (or an equivalent byte-order collation such as C.UTF-8 / ucs_basic) on every shard.
 */

/** Maps a UTF-16 code unit so that comparing mapped units compares code points (ICU's fix-up trick). */
function codePointOrderUnit(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** Compares two strings by Unicode code point, i.e. by their UTF-8 bytes; returns -1, 0 or 1. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrderUnit(x) < codePointOrderUnit(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
