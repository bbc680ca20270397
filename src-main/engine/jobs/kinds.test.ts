import { describe, expect, it } from 'vitest';
import { JobKind } from '../../contract/index.ts';
import { jobDataSchemas, subjectFor } from './kinds.ts';
import { parseStoredData } from './stored-data.ts';

describe('job kinds', () => {
  it('has a data schema for every contract job kind and no other', () => {
    expect(Object.keys(jobDataSchemas).sort()).toEqual([...JobKind.options].sort());
  });

  it('files photo jobs under the photo id and ingest under the source path', () => {
    expect(subjectFor('derive', { photoId: 42 })).toBe('42');
    expect(subjectFor('ingest', { path: '/hot/a.jpg', folderId: null, size: 1, mtimeMs: 2 })).toBe('/hot/a.jpg');
    expect(subjectFor('render', { photoId: 5, revision: 3 })).toBe('5');
    expect(subjectFor('apply-preset', { presetId: 'warm', photoId: 6 })).toBe('6');
  });

  it('parses valid stored data and explains invalid data', () => {
    expect(parseStoredData('ingest', '{"path":"/hot/a.jpg","folderId":3,"size":10,"mtimeMs":1716000000123.45}')).toEqual({
      ok: true,
      data: { path: '/hot/a.jpg', folderId: 3, size: 10, mtimeMs: 1716000000123.45 },
    });
    const relative = parseStoredData('ingest', '{"path":"a.jpg","folderId":null,"size":10,"mtimeMs":1}');
    expect(relative).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid-job-data: .*absolute path/s) });
    expect(parseStoredData('derive', '{"photoId":"7"}')).toMatchObject({ ok: false, error: expect.stringContaining('photoId') });
    expect(parseStoredData('derive', '{photoId:7')).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid-job-data: .*not valid JSON/) });
    // Export targets are checked when a stored render job is loaded, like any other job data.
    expect(parseStoredData('render', '{"photoId":7,"revision":2,"targets":[{"id":"square"}]}')).toEqual({
      ok: true,
      data: { photoId: 7, revision: 2, targets: [{ id: 'square', strategy: 'crop', background: 'blur' }] },
    });
    expect(parseStoredData('render', '{"photoId":7,"revision":2,"targets":[{"id":"poster"}]}')).toMatchObject({ ok: false, error: expect.stringContaining('targets') });
  });
});
