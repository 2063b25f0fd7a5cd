/**
 * A tiny JSON Schema (draft 2020-12 subset) validator for macflow's own output schemas: `type`
 * (one or a list of object, array, number, integer, string, boolean, null), `properties`,
 * `required`, `additionalProperties` (boolean or schema), `items`, `enum`, `const`, `minimum`,
 * `maximum`, `$ref` to `#/$defs/<name>`. Enough to check the CLI's JSON; for anything richer use a
 * full validator (the schemas are standard JSON Schema).
 * @module
 */

/** A JSON Schema node (the subset {@link validateJson} understands). */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  title?: string;
  description?: string;
  type?: JsonType | readonly JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: readonly unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
}

/** JSON value types. */
export type JsonType = 'object' | 'array' | 'number' | 'integer' | 'string' | 'boolean' | 'null';

function typeOf(v: unknown): JsonType | 'undefined' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'object') return typeof v as JsonType;
  return 'undefined';
}

/**
 * Validates a parsed JSON value; returns every problem as `path: message` (empty = valid).
 * Paths are JSON-pointer-like (`/runs/0/report/layers/3/cycles/total`).
 */
export function validateJson(schema: JsonSchema, value: unknown, root: JsonSchema = schema, path = ''): string[] {
  if (schema.$ref) {
    const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    const target = m ? root.$defs?.[m[1]] : undefined;
    if (!target) return [`${path || '/'}: unresolvable $ref ${schema.$ref}`];
    return validateJson(target, value, root, path);
  }
  const errs: string[] = [];
  const at = path || '/';
  const t = typeOf(value);
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    const ok = types.some((ty) => ty === t || (ty === 'integer' && t === 'number' && Number.isInteger(value)) || (ty === 'number' && t === 'number'));
    if (!ok || (t === 'number' && !types.includes('number') && !Number.isInteger(value))) return [`${at}: expected ${types.join(' or ')}, got ${t === 'number' && !Number.isInteger(value) ? 'a non-integer number' : t}`];
  }
  if (schema.const !== undefined && value !== schema.const) errs.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (schema.enum && !schema.enum.includes(value)) errs.push(`${at}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errs.push(`${at}: ${value} < minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errs.push(`${at}: ${value} > maximum ${schema.maximum}`);
  }
  if (t === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errs.push(...validateJson(schema.items!, v, root, `${path}/${i}`)));
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in obj)) errs.push(`${at}: missing required property '${k}'`);
    for (const [k, v] of Object.entries(obj)) {
      const p = schema.properties?.[k];
      if (p) errs.push(...validateJson(p, v, root, `${path}/${k}`));
      else if (schema.additionalProperties === false) errs.push(`${at}: unexpected property '${k}'`);
      else if (typeof schema.additionalProperties === 'object') errs.push(...validateJson(schema.additionalProperties, v, root, `${path}/${k}`));
    }
  }
  return errs;
}
