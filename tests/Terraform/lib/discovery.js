'use strict';
// Validates JSON values against a Google API discovery document's schemas (tests/Terraform/api-schema/*.json: the schemas
// reachable from a resource, copied unchanged from googleapis' discovery documents), the way the API reads a request body:
//   - a field the schema does not have is rejected (the APIs answer 400 "Unknown name");
//   - types: string, boolean, integer (a JSON integer or, for int64/uint64, a decimal string), number, array, object,
//     $ref, and maps (additionalProperties);
//   - enums: a value outside `enum` is rejected;
//   - required-ness where the discovery document states it unconditionally: a description that starts with "Required."
//     (a conditional "Required if ..."/"Required for ..." is a caller's rule, checked by the caller);
//   - a field documented as "Output only." may not be set.
// Values still holding a Terraform expression ("${...}") are type-checked only where the expression is resolved.

const fs = require('node:fs');
const path = require('node:path');

const API_SCHEMA_DIR = path.join(__dirname, '..', 'api-schema');

/** The committed discovery extracts, by file name without .json (monitoring.v1, monitoring.v3, logging.v2). */
function loadDiscovery(name, dir = API_SCHEMA_DIR) {
  return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
}

function isExpression(value) {
  return typeof value === 'string' && value.includes('${');
}

/** Whether a property's description makes it unconditionally required. */
function isRequired(property) {
  return /^Required\.(\s|$)/.test(property.description || '');
}

function isOutputOnly(property) {
  return /^Output only\./.test(property.description || '');
}

/**
 * Problems of `value` against schema `schemaName` of a discovery document, each "where: what". `where` is a dotted path.
 * `options.allowOutputOnly` lists output-only fields that may be present (for example a name the caller fills in).
 */
function validate(discovery, schemaName, value, where = schemaName, options = {}) {
  const problems = [];
  const schema = discovery.schemas[schemaName];
  if (!schema) {
    throw new Error(`${discovery.id}: no schema ${schemaName}`);
  }
  checkValue(discovery, schema, value, where, problems, options);
  return problems;
}

function checkValue(discovery, schema, value, where, problems, options) {
  if (schema.$ref) {
    const target = discovery.schemas[schema.$ref];
    if (!target) {
      throw new Error(`${discovery.id}: ${where} refers to a missing schema ${schema.$ref}`);
    }
    return checkValue(discovery, target, value, where, problems, options);
  }
  if (value === null || value === undefined) {
    return;
  }
  if (isExpression(value) && schema.type !== 'string') {
    return; // a Terraform expression the caller could not resolve; its type is Terraform's to check
  }
  switch (schema.type) {
    case 'string':
      if (/int64$/.test(schema.format || '') && Number.isInteger(value)) {
        return; // proto JSON takes an int64 as a number or a decimal string
      }
      if (typeof value !== 'string') {
        problems.push(`${where}: expected a string, got ${JSON.stringify(value)}`);
      } else if (schema.enum && !isExpression(value) && !schema.enum.includes(value)) {
        problems.push(`${where}: "${value}" is not one of ${schema.enum.join(', ')}`);
      } else if (schema.format === 'google-duration' && !isExpression(value) && !/^-?\d+(\.\d{1,9})?s$/.test(value)) {
        problems.push(`${where}: "${value}" is not a duration (seconds with an "s" suffix, such as "300s")`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') {
        problems.push(`${where}: expected a boolean, got ${JSON.stringify(value)}`);
      }
      return;
    case 'integer':
      if (!(Number.isInteger(value) || (typeof value === 'string' && /^-?\d+$/.test(value) && /int64$/.test(schema.format || '')))) {
        problems.push(`${where}: expected an integer, got ${JSON.stringify(value)}`);
      }
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.push(`${where}: expected a number, got ${JSON.stringify(value)}`);
      }
      return;
    case 'array':
      if (!Array.isArray(value)) {
        problems.push(`${where}: expected a list, got ${JSON.stringify(value)}`);
        return;
      }
      value.forEach((item, index) => checkValue(discovery, schema.items, item, `${where}[${index}]`, problems, options));
      return;
    case 'object':
      if (typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`${where}: expected an object, got ${JSON.stringify(value)}`);
        return;
      }
      if (schema.additionalProperties) {
        for (const [key, item] of Object.entries(value)) {
          checkValue(discovery, schema.additionalProperties, item, `${where}.${key}`, problems, options);
        }
        return;
      }
      checkObject(discovery, schema, value, where, problems, options);
      return;
    case 'any':
      return;
    default:
      throw new Error(`${discovery.id}: ${where}: schema type ${schema.type} is not handled`);
  }
}

function checkObject(discovery, schema, value, where, problems, options) {
  const properties = schema.properties || {};
  for (const [key, item] of Object.entries(value)) {
    const property = properties[key];
    if (!property) {
      problems.push(`${where}: unknown field ${key} (${schema.id || 'object'} has ${Object.keys(properties).sort().join(', ') || 'no fields'})`);
      continue;
    }
    if (isOutputOnly(property) && !(options.allowOutputOnly || []).includes(`${schema.id}.${key}`)) {
      problems.push(`${where}.${key}: is output only`);
    }
    checkValue(discovery, property, item, `${where}.${key}`, problems, options);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (isRequired(property) && value[key] === undefined && !(options.notRequired || []).includes(`${schema.id}.${key}`)) {
      problems.push(`${where}: the required field ${key} is missing`);
    }
  }
}

module.exports = { API_SCHEMA_DIR, loadDiscovery, validate, isRequired };
