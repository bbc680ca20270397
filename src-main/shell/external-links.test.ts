import { describe, expect, it } from 'vitest';
import { externalLinkTarget } from './external-links.ts';

describe('links opened from the page', () => {
  it('sends plain web links to the browser', () => {
    expect(externalLinkTarget('https://spdx.org/licenses/MIT.html')).toBe('https://spdx.org/licenses/MIT.html');
    expect(externalLinkTarget('http://example.org/model')).toBe('http://example.org/model');
  });

  it('refuses everything else', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'lightbox-media://thumb/1', 'smb://nas/share', 'https://user:pw@example.org/', 'not a url', '']) {
      expect(externalLinkTarget(url), url).toBeNull();
    }
  });
});
