import { describe, expect, it } from 'vitest';
import { ELECTRON_MEDIA_BASE } from '../contract/index.ts';
import { CONTENT_SECURITY_POLICY } from './csp.ts';

const directives = new Map(
  CONTENT_SECURITY_POLICY.split(';').map((part) => {
    const [name, ...sources] = part.trim().split(/\s+/);
    return [name!, sources] as const;
  }),
);

describe('CONTENT_SECURITY_POLICY', () => {
  it('allows only our own scripts and styles: nothing inline, nothing evaluated, nothing remote', () => {
    for (const name of ['default-src', 'script-src', 'style-src', 'connect-src', 'font-src']) expect(directives.get(name)).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('lets images come from the media protocol the shell serves', () => {
    const scheme = new URL(ELECTRON_MEDIA_BASE).protocol; // "lightbox-media:"
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:', scheme]);
  });
});
