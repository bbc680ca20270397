import { describe, expect, it } from 'vitest';
import { openApiProblems, schemaValidators } from '../../../test-support/openapi-31.ts';
import { RestPhoto, restLinks } from '../../contract/index.ts';
import { openApiDocument } from '../../contract/rest-openapi.ts';
import { restRoutes } from '../../contract/rest-routes.ts';

type Json = Record<string, unknown>;

const doc = openApiDocument('9.9.9') as Json & { paths: Record<string, Record<string, Json>>; components: { schemas: Record<string, Json> } };

/** A photo as the server sends it: valid for the zod contract, so it must be valid for the document too. */
const photo = RestPhoto.parse({
  id: 12,
  status: 'needs-review',
  fileName: 'IMG_0001.jpg',
  sha256: 'a'.repeat(64),
  bytes: 1234,
  width: 640,
  height: 480,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:05.000Z',
  submittedBy: { tokenId: 3, name: 'NAS script', at: '2026-01-01T10:00:00.000Z' },
  analysis: {
    generatedBy: [{ task: 'faces', model: 'blazeface-back', version: '1', provider: 'onnxruntime-node', status: 'completed', error: null, updatedAt: '2026-01-01T10:00:03.000Z' }],
    faces: 1,
    keywords: ['person'],
    quality: { score: 0.7, flags: [] },
    proposals: [{ aspect: 'original', confidence: 0.8, reason: 'keeps 1 face' }],
    moderation: null,
  },
  recipe: { revision: 1, needsReview: true, steps: [{ op: 'crop', v: 1, enabled: true, params: { x: 0.1 }, source: 'ai:crop-proposals@1', confidence: 0.8, needsReview: true }], end: 1 },
  links: restLinks(12),
});

describe('the OpenAPI document', () => {
  it('follows the OpenAPI 3.1 rules a client generator relies on, its schemas valid JSON Schema 2020-12', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
    expect((doc.info as Json).version).toBe('9.9.9');
  });

  it('the structural check catches what it is there for', () => {
    const broken = structuredClone(doc);
    broken.openapi = '3.0.3';
    const photoOp = broken.paths['/photos/{id}']!.get!;
    photoOp.parameters = [];
    photoOp.operationId = 'listPhotos';
    (photoOp.responses as Json)['2x0'] = { description: 'nope' };
    (broken.paths['/photos']!.post!.requestBody as Json).content = { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Nowhere' } } };
    broken.components.schemas.Bad = { type: 'objekt' };
    const problems = openApiProblems(broken).join('\n');
    for (const expected of ['must be "3.1.x"', '{id} is not declared', 'operationId "listPhotos" is not unique', '"2x0" is not a status code', '#/components/schemas/Nowhere does not resolve', 'not valid JSON Schema 2020-12']) {
      expect(problems).toContain(expected);
    }
  });

  it('has every route of the table, with its scope, path parameters and error answers', () => {
    for (const route of restRoutes) {
      const op = doc.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op!.operationId).toBe(route.operationId);
      expect(Object.keys(op!.responses as Json).sort()).toEqual(Object.keys(route.responses).sort());
      if (route.scope === 'none') expect(op!.security).toEqual([]);
      else {
        expect(op!['x-lightbox-scope']).toBe(route.scope);
        expect((op!.responses as Json)['401']).toBeDefined();
      }
    }
    const submit = doc.paths['/photos']!.post!;
    expect(submit.requestBody).toMatchObject({ content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/SubmitForm' } } } });
    expect(doc.components.schemas.SubmitForm).toMatchObject({ required: ['file'], properties: { file: { contentMediaType: 'application/octet-stream' } } });
    const list = doc.paths['/photos']!.get!.parameters as Json[];
    expect(list.map((p) => [p.name, p.in, p.required])).toEqual([['status', 'query', false], ['since', 'query', false], ['cursor', 'query', false], ['limit', 'query', false]]);
    expect(list[0]!.schema).toEqual({ $ref: '#/components/schemas/PhotoStatus' });
  });

  it('describes the same data the zod contract accepts, and refuses what it refuses', () => {
    const validators = schemaValidators(doc);
    expect(validators.validate('Photo', photo)).toEqual([]);
    expect(validators.validate('Photo', { ...photo, status: 'done' })).not.toEqual([]);
    expect(validators.validate('Photo', { ...photo, id: 0 })).not.toEqual([]);
    const { analysis: _analysis, ...withoutAnalysis } = photo;
    expect(validators.validate('Photo', withoutAnalysis).join()).toContain("must have required property 'analysis'");
    expect(validators.validate('ErrorBody', { error: { code: 'invalid-recipe', message: 'x', problems: [{ path: 'steps[0].op', message: 'unknown op' }] } })).toEqual([]);
    expect(validators.validate('ErrorBody', { error: { code: 'no-such-code', message: 'x' } })).not.toEqual([]);
  });
});
