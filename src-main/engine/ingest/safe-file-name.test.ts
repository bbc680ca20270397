import { describe, expect, it } from 'vitest';
import { sanitizeFileName } from './safe-file-name.ts';

describe('sanitizeFileName', () => {
  it('keeps ordinary names as they are', () => {
    expect(sanitizeFileName('IMG_0001.JPG')).toBe('IMG_0001.JPG');
    expect(sanitizeFileName('Hochzeit Müller (2).cr3')).toBe('Hochzeit Müller (2).cr3');
  });

  it('cannot produce a path, control characters or NTFS-forbidden characters', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(sanitizeFileName('a\\b/c:d*e?f"g<h>i|j.jpg')).toBe('a_b_c_d_e_f_g_h_i_j.jpg');
    expect(sanitizeFileName('tab\there\u0000.jpg')).toBe('tab_here_.jpg');
  });

  it('drops trailing dots and spaces, and never returns an empty stem', () => {
    expect(sanitizeFileName('photo.jpg. . ')).toBe('photo.jpg');
    expect(sanitizeFileName('photo .jpg')).toBe('photo .jpg');
    expect(sanitizeFileName('...')).toBe('file');
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('.jpg')).toBe('.jpg');
  });

  it('defuses reserved Windows device names, with or without extension', () => {
    expect(sanitizeFileName('CON.jpg')).toBe('_CON.jpg');
    expect(sanitizeFileName('lpt1')).toBe('_lpt1');
    expect(sanitizeFileName('nul.tar.gz')).toBe('_nul.tar.gz');
    expect(sanitizeFileName('CONSOLE.jpg')).toBe('CONSOLE.jpg');
  });

  it('truncates long names in UTF-8 bytes on a code point boundary and keeps the extension', () => {
    const long = `${'é'.repeat(150)}😀😀.nef`;
    const safe = sanitizeFileName(long, 100);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(100);
    expect(safe.endsWith('.nef')).toBe(true);
    expect(safe).not.toContain('\uFFFD');
    expect([...safe].every((ch) => ch === 'é' || '.nef'.includes(ch))).toBe(true);
  });

  it('normalises decomposed names to NFC', () => {
    expect(sanitizeFileName('cafe\u0301.jpg')).toBe('caf\u00e9.jpg');
  });
});
