import { z } from 'zod';
import { REST_BASE } from './rest-api.ts';
import { restComponents, restRoutes, type RestResponse, type RestRoute } from './rest-routes.ts';

/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table and its zod schemas
 * (z.toJSONSchema emits JSON Schema 2020-12, which is OpenAPI 3.1's own dialect), so the document
 * always says what the server checks.
 */

type Json = Record<string, unknown>;

const ref = (id: string) => `#/components/schemas/${id}`;

/** JSON Schema for one schema: a $ref when it is a named component, else inlined (request side). */
function schemaFor(schema: z.ZodType, io: 'input' | 'output'): Json {
  const named = restComponents.get(schema)?.id;
  if (named) return { $ref: ref(named) };
  const inner = unwrap(schema);
  const innerName = restComponents.get(inner)?.id;
  if (innerName) return { $ref: ref(innerName) };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

/** An optional or defaulted schema's inner one (a query parameter's optionality is `required`). */
function unwrap(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return unwrap(schema.unwrap() as z.ZodType);
  return schema;
}

function parameters(route: RestRoute): Json[] {
  const params: Json[] = [];
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    params.push({ name: match[1], in: 'path', required: true, description: 'The photo id.', schema: { type: 'integer', minimum: 1 } });
  }
  for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
    const schema = field as z.ZodType;
    const description = (z.globalRegistry.get(schema)?.description ?? z.globalRegistry.get(unwrap(schema))?.description) as string | undefined;
    params.push({ name, in: 'query', required: !schema.safeParse(undefined).success, ...(description ? { description } : {}), schema: schemaFor(schema, 'input') });
  }
  return params;
}

function response(r: RestResponse): Json {
  const out: Json = { description: r.description };
  if (r.headers) out.headers = Object.fromEntries(Object.entries(r.headers).map(([name, description]) => [name, { description, schema: { type: 'integer', minimum: 0 } }]));
  if (r.contentType) out.content = { [r.contentType]: r.schema ? { schema: schemaFor(r.schema, 'output') } : {} };
  return out;
}

function operation(route: RestRoute): Json {
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.path.startsWith('/photos') ? 'photos' : 'service'],
    // An empty list overrides the document's default security: this operation needs no token.
    ...(route.scope === 'none' ? { security: [] } : { 'x-lightbox-scope': route.scope }),
  };
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.body) {
    op.requestBody = { required: true, description: route.body.description, content: { [route.body.contentType]: { schema: schemaFor(route.body.schema, 'input') } } };
  }
  op.responses = Object.fromEntries(Object.entries(route.responses).map(([status, r]) => [status, response(r)]));
  return op;
}

export function openApiDocument(appVersion: string): Json {
  const { schemas } = z.toJSONSchema(restComponents, { uri: ref, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  // Components sit inside the document: their own dialect and id would make each a separate resource.
  const componentSchemas = Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _d, $id: _i, ...schema }]) => [id, schema]));
  const paths: Record<string, Json> = {};
  for (const route of restRoutes as readonly RestRoute[]) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lightbox REST API',
      version: appVersion,
      description:
        'Submit photos, follow their status, approve or reject what the AI proposed, change recipes and fetch the processed files. ' +
        'Every request needs `Authorization: Bearer <token>`: the token `lightbox serve` prints, or a named token from Settings › API tokens ' +
        '(scope `read`: look only; `full`: also upload, approve, reject and edit). `x-lightbox-scope` on each operation names the scope it needs.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: REST_BASE }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'photos', description: 'Submitting and following photos' },
      { name: 'service', description: 'Events and this document' },
    ],
    paths,
    components: {
      schemas: componentSchemas,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The session token or a named API token (`lbx_…`).' } },
    },
  };
}
