import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * The OpenAPI 3.1 rules that matter for a client generator or a validator, checked structurally
 * (no OpenAPI validator package is installed here), plus JSON Schema 2020-12 checks of every
 * component with Ajv (already in node_modules, through electron-builder). Used by the document's
 * unit test and by the REST e2e test, which validates real answers against the served document.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const PARAM_IN = ['query', 'header', 'path', 'cookie'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

/** Every problem found; an empty list means the document follows the rules checked here. */
export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(doc)) return ['the document is not a JSON object'];
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) fail('openapi', 'must be "3.1.x"');
  const info = doc.info;
  if (!isObject(info) || typeof info.title !== 'string' || typeof info.version !== 'string') fail('info', 'needs title and version strings');
  else if (info.license !== undefined) {
    const license = info.license as Json;
    if (typeof license.name !== 'string') fail('info.license', 'needs a name');
    if (license.identifier !== undefined && license.url !== undefined) fail('info.license', 'identifier and url are mutually exclusive');
  }
  if (doc.paths === undefined && doc.webhooks === undefined && doc.components === undefined) fail('(root)', 'needs paths, webhooks or components');

  const components = isObject(doc.components) ? doc.components : {};
  const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  for (const [name, scheme] of Object.entries(schemes)) {
    const s = scheme as Json;
    if (!['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(String(s.type))) fail(`securitySchemes.${name}`, 'unknown type');
    if (s.type === 'http' && typeof s.scheme !== 'string') fail(`securitySchemes.${name}`, 'an http scheme needs `scheme`');
  }
  const checkSecurity = (where: string, security: unknown) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return fail(where, 'security must be an array');
    for (const requirement of security) for (const name of Object.keys(requirement as Json)) if (!Object.hasOwn(schemes, name)) fail(where, `security names undeclared scheme "${name}"`);
  };
  checkSecurity('security', doc.security);
  for (const name of Object.keys(isObject(components.schemas) ? components.schemas : {})) {
    if (!/^[a-zA-Z0-9._-]+$/.test(name)) fail(`components.schemas.${name}`, 'component names must match ^[a-zA-Z0-9._-]+$');
  }

  const operationIds = new Set<string>();
  const tags = new Set(Array.isArray(doc.tags) ? doc.tags.map((t) => (t as Json).name) : []);
  for (const [template, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (!template.startsWith('/')) fail(`paths.${template}`, 'must start with /');
    if (/[?#]/.test(template)) fail(`paths.${template}`, 'must not hold a query or fragment');
    const templated = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const [method, op] of Object.entries(item as Json)) {
      const where = `${method.toUpperCase()} ${template}`;
      if (!METHODS.includes(method)) {
        if (!['summary', 'description', 'servers', 'parameters', '$ref'].includes(method)) fail(where, 'not an HTTP method or path item field');
        continue;
      }
      const o = op as Json;
      if (typeof o.operationId === 'string') {
        if (operationIds.has(o.operationId)) fail(where, `operationId "${o.operationId}" is not unique`);
        operationIds.add(o.operationId);
      }
      for (const tag of (o.tags as string[] | undefined) ?? []) if (!tags.has(tag)) fail(where, `tag "${tag}" is not declared`);
      checkSecurity(where, o.security);
      const params = (o.parameters as Json[] | undefined) ?? [];
      const seen = new Set<string>();
      for (const p of params) {
        const key = `${String(p.in)}:${String(p.name)}`;
        if (seen.has(key)) fail(where, `parameter ${key} is given twice`);
        seen.add(key);
        if (!PARAM_IN.includes(String(p.in))) fail(where, `parameter ${String(p.name)} has an unknown "in"`);
        if ((p.schema === undefined) === (p.content === undefined)) fail(where, `parameter ${String(p.name)} needs exactly one of schema and content`);
        if (p.in === 'path' && p.required !== true) fail(where, `path parameter ${String(p.name)} must be required`);
        if (p.in === 'path' && !templated.includes(String(p.name))) fail(where, `path parameter ${String(p.name)} is not in the path`);
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) fail(where, `the path's {${name}} is not declared as a path parameter`);
      if (o.requestBody !== undefined) {
        const body = o.requestBody as Json;
        if (!isObject(body.content) || Object.keys(body.content).length === 0) fail(where, 'requestBody needs content');
      }
      if (!isObject(o.responses) || Object.keys(o.responses).length === 0) fail(where, 'needs at least one response');
      for (const [status, response] of Object.entries(isObject(o.responses) ? o.responses : {})) {
        if (status !== 'default' && !/^[1-5](\d\d|XX)$/.test(status)) fail(where, `response key "${status}" is not a status code`);
        if (typeof (response as Json).description !== 'string') fail(`${where} ${status}`, 'a response needs a description');
      }
    }
  }

  // Every $ref anywhere must resolve inside the document.
  const walk = (value: unknown, where: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
    else if (isObject(value)) {
      if (typeof value.$ref === 'string' && resolvePointer(doc, value.$ref) === undefined) fail(where, `$ref ${value.$ref} does not resolve`);
      for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
    }
  };
  walk(doc, '#');

  try {
    schemaValidators(doc);
  } catch (error) {
    fail('components.schemas', `not valid JSON Schema 2020-12: ${(error as Error).message}`);
  }
  return problems;
}

/**
 * Validators for the document's component schemas, compiled with Ajv in strict mode (an unknown
 * keyword, a mistyped one or a dangling reference throws). `validate(name, value)` lists problems.
 */
export function schemaValidators(doc: Json): { validate(component: string, value: unknown): string[] } {
  const schemas = (isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {}) as Json;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : rewrite(v)]));
  };
  const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi-components', $defs: rewrite(schemas) as Json });
  const compiled = new Map<string, ValidateFunction>();
  for (const name of Object.keys(schemas)) compiled.set(name, ajv.compile({ $ref: `openapi-components#/$defs/${name}` }));
  return {
    validate(component, value) {
      const check = compiled.get(component);
      if (!check) return [`there is no component "${component}"`];
      return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`);
    },
  };
}
