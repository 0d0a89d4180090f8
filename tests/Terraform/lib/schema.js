'use strict';
// Checks every block of every .tf file against the providers' own argument schemas (tests/Terraform/provider-schema/*.json,
// derived from the providers' Go source by provider-schema/derive.js) and against Terraform's language blocks:
//   - an argument or block the schema does not have (a block found elsewhere in the same resource is reported as nested in
//     the wrong place, with where it belongs);
//   - a required argument or block that is missing, a block written as an argument or the reverse, too many blocks;
//   - a read-only (computed) attribute that is set;
//   - a literal outside an enum: a plain literal, each literal branch of a conditional, the default and the `contains([...])`
//     validation list of a variable passed straight through, and the values of a local literal map indexed by anything.
// Meta-arguments (count, for_each, depends_on, provider, lifecycle, dynamic blocks, timeouts; provisioner and connection
// blocks are accepted unchecked) are handled as Terraform does.

const fs = require('node:fs');
const path = require('node:path');
const { parseText } = require('./hcl');

const SCHEMA_DIR = path.join(__dirname, '..', 'provider-schema');

/** The committed fixtures, by provider local name (google, google-beta, time, archive). */
function loadSchemas(dir = SCHEMA_DIR) {
  const schemas = {};
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    schemas[path.basename(file, '.json')] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  }
  return schemas;
}

// Terraform's own blocks (language reference). Attributes: name -> {required}; blocks: name -> {block, labels}.
const ANY = { any: true };
const CONDITION = { attributes: { condition: { required: true }, error_message: { required: true } }, blocks: {} };
const LIFECYCLE = {
  attributes: { create_before_destroy: {}, prevent_destroy: {}, ignore_changes: {}, replace_triggered_by: {} },
  blocks: { precondition: { block: CONDITION }, postcondition: { block: CONDITION } },
};
const DATA_LIFECYCLE = { attributes: {}, blocks: { precondition: { block: CONDITION }, postcondition: { block: CONDITION } } };
const LANGUAGE = {
  terraform: {
    attributes: { required_version: {}, experiments: {} },
    blocks: { required_providers: { block: ANY, max: 1 }, backend: { block: ANY, labels: 1 }, cloud: { block: ANY }, provider_meta: { block: ANY, labels: 1 } },
  },
  variable: {
    attributes: { description: {}, type: {}, default: {}, sensitive: {}, nullable: {}, ephemeral: {} },
    blocks: { validation: { block: CONDITION } },
  },
  output: {
    attributes: { value: { required: true }, description: {}, sensitive: {}, depends_on: {}, ephemeral: {} },
    blocks: { precondition: { block: CONDITION } },
  },
  check: {
    attributes: {},
    blocks: { assert: { block: CONDITION, min: 1 }, data: { block: ANY, labels: 2 } },
  },
};
const RESOURCE_META = new Set(['count', 'for_each', 'depends_on', 'provider']);
const PROVIDER_META = new Set(['alias']);

function isBlockList(value) {
  return Array.isArray(value) && value.length > 0 && value.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item));
}

/** A labelled block (`name "label" { ... }`), which hcl2json renders as an object of block lists keyed by label. */
function isLabelledBlocks(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && Object.values(value).every(isBlockList);
}

/** Where a block name occurs anywhere in a schema tree, as dotted paths. */
function findBlock(block, name, prefix = '') {
  const found = [];
  for (const [child, nested] of Object.entries(block.blocks || {})) {
    const here = prefix ? `${prefix}.${child}` : child;
    if (child === name) {
      found.push(here);
    }
    found.push(...findBlock(nested.block, name, here));
  }
  return found;
}

// --- literal values an expression can take -----------------------------------------------------------------------------

/** Splits a HCL expression into tokens: strings (with a flag when they hold a template), and everything else. */
function expressionTokens(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      let value = '';
      let template = false;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\') {
          const escapes = { n: '\n', t: '\t', '"': '"', '\\': '\\', r: '\r' };
          value += escapes[text[j + 1]] ?? text[j + 1];
          j += 2;
        } else if (text[j] === '$' && text[j + 1] === '{') {
          template = true;
          let depth = 0;
          for (; j < text.length; j++) {
            if (text[j] === '{') depth++;
            if (text[j] === '}' && --depth === 0) break;
          }
          j++;
        } else {
          value += text[j];
          j++;
        }
      }
      tokens.push({ kind: 'string', value, template });
      i = j + 1;
    } else if ('()[]{},?:'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch });
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s"()[\]{},?:]/.test(text[j])) {
        j++;
      }
      tokens.push({ kind: 'word', value: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

/** Splits tokens at a top-level `?` ... `:` (a conditional); null when the expression is not one. */
function splitConditional(tokens) {
  let depth = 0;
  let question = -1;
  let nestedQuestions = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'punct' && '([{'.includes(token.value)) depth++;
    if (token.kind === 'punct' && ')]}'.includes(token.value)) depth--;
    if (depth !== 0 || token.kind !== 'punct') continue;
    if (token.value === '?') {
      if (question < 0) {
        question = i;
      } else {
        nestedQuestions++;
      }
    } else if (token.value === ':' && question >= 0) {
      if (nestedQuestions > 0) {
        nestedQuestions--;
      } else {
        return { condition: tokens.slice(0, question), whenTrue: tokens.slice(question + 1, i), whenFalse: tokens.slice(i + 1) };
      }
    }
  }
  return null;
}

/**
 * The literal strings an argument's value can take, each with where it came from; `complete` is false when some part of
 * the value is computed (those parts are not checked).
 */
function literalCandidates(value, context, seen = new Set()) {
  if (typeof value !== 'string') {
    return { values: [], complete: false };
  }
  const whole = /^\$\{([\s\S]*)\}$/.exec(value);
  if (!whole) {
    return value.includes('${') ? { values: [], complete: false } : { values: [{ value, from: 'literal' }], complete: true };
  }
  return tokenCandidates(expressionTokens(whole[1]), context, seen);
}

function tokenCandidates(tokens, context, seen) {
  const conditional = splitConditional(tokens);
  if (conditional) {
    const a = tokenCandidates(conditional.whenTrue, context, seen);
    const b = tokenCandidates(conditional.whenFalse, context, seen);
    return { values: [...a.values, ...b.values], complete: a.complete && b.complete };
  }
  if (tokens.length === 1 && tokens[0].kind === 'string' && !tokens[0].template) {
    return { values: [{ value: tokens[0].value, from: 'literal' }], complete: true };
  }
  if (tokens.length === 1 && tokens[0].kind === 'word') {
    const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(tokens[0].value);
    if (variable) {
      return variableCandidates(variable[1], context, seen);
    }
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(tokens[0].value);
    if (local && !seen.has(`local.${local[1]}`)) {
      const localValue = (context.locals || {})[local[1]];
      if (localValue !== undefined) {
        return literalCandidates(localValue, context, new Set([...seen, `local.${local[1]}`]));
      }
    }
  }
  // local.NAME[anything]: every value of a literal map.
  if (tokens.length >= 4 && tokens[0].kind === 'word' && tokens[1].value === '[' && tokens[tokens.length - 1].value === ']') {
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(tokens[0].value);
    const map = local && (context.locals || {})[local[1]];
    if (map && typeof map === 'object' && !Array.isArray(map)) {
      const entries = Object.values(map).map((entry) => literalCandidates(entry, context, seen));
      return {
        values: entries.flatMap((entry) => entry.values.map((candidate) => ({ ...candidate, from: `local.${local[1]}` }))),
        complete: entries.every((entry) => entry.complete),
      };
    }
  }
  return { values: [], complete: false };
}

function variableCandidates(name, context, seen) {
  const block = ((context.variables || {})[name] || [])[0];
  if (!block) {
    return { values: [], complete: false };
  }
  const values = [];
  if (typeof block.default === 'string') {
    values.push({ value: block.default, from: `var.${name} default` });
  }
  for (const validation of block.validation || []) {
    const condition = String(validation.condition || '');
    const pattern = new RegExp(`contains\\(\\[([^\\]]*)\\],\\s*var\\.${name}\\)`);
    const match = pattern.exec(condition);
    if (match) {
      for (const token of expressionTokens(match[1]).filter((t) => t.kind === 'string')) {
        values.push({ value: token.value, from: `var.${name} validation` });
      }
    }
  }
  return { values, complete: false };
}

// --- the walk --------------------------------------------------------------------------------------------------------

class Walker {
  constructor(schemas, file, context) {
    this.schemas = schemas;
    this.file = file;
    this.context = context;
    this.problems = [];
  }

  report(where, message) {
    this.problems.push(`${this.file}: ${where}: ${message}`);
  }

  /** Checks one block body against a schema block; `extra` lists arguments/blocks that are legal here besides the schema. */
  body(where, body, schemaBlock, { meta = new Set(), metaBlocks = {}, root = schemaBlock, dynamicAllowed = true, timeouts = [] } = {}) {
    if (schemaBlock.any) {
      return;
    }
    const present = new Set();
    for (const [key, value] of Object.entries(body)) {
      if (meta.has(key)) {
        continue;
      }
      if (metaBlocks[key]) {
        if (metaBlocks[key].any && value && typeof value === 'object') {
          continue; // a labelled block (provisioner "local-exec" { ... }) renders as an object keyed by its label
        }
        if (!isBlockList(value)) {
          this.report(where, `${key} must be a block`);
          continue;
        }
        value.forEach((item) => this.body(`${where}.${key}`, item, metaBlocks[key]));
        continue;
      }
      if (key === 'dynamic' && dynamicAllowed && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [name, dynamics] of Object.entries(value)) {
          const nested = (schemaBlock.blocks || {})[name];
          if (!nested) {
            this.unknown(where, name, true, schemaBlock, root);
            continue;
          }
          present.add(name);
          for (const dynamic of dynamics) {
            for (const attribute of Object.keys(dynamic)) {
              if (!['for_each', 'iterator', 'labels', 'content'].includes(attribute)) {
                this.report(`${where}.dynamic.${name}`, `${attribute} is not an argument of a dynamic block`);
              }
            }
            if (dynamic.for_each === undefined) {
              this.report(`${where}.dynamic.${name}`, 'a dynamic block needs for_each');
            }
            if (!isBlockList(dynamic.content)) {
              this.report(`${where}.dynamic.${name}`, 'a dynamic block needs one content block');
              continue;
            }
            this.body(`${where}.${name}`, dynamic.content[0], nested.block, { root });
          }
        }
        continue;
      }
      if (key === 'timeouts' && timeouts.length > 0 && !(schemaBlock.attributes || {}).timeouts && !(schemaBlock.blocks || {}).timeouts) {
        if (!isBlockList(value) || value.length !== 1) {
          this.report(where, 'timeouts must be one block');
          continue;
        }
        for (const operation of Object.keys(value[0])) {
          if (!timeouts.includes(operation)) {
            this.report(`${where}.timeouts`, `${operation} is not a timeout of this resource (${timeouts.join(', ')})`);
          }
        }
        continue;
      }
      const attribute = (schemaBlock.attributes || {})[key];
      const nested = (schemaBlock.blocks || {})[key];
      if (attribute) {
        present.add(key);
        if (isBlockList(value) && attribute.type && !String(attribute.type).includes('object')) {
          this.report(where, `${key} is an argument (${key} = ...), not a block`);
          continue;
        }
        if (attribute.computed && !attribute.optional && !attribute.required) {
          this.report(where, `${key} is read-only (computed by the provider) and cannot be set`);
          continue;
        }
        if (attribute.enum) {
          this.enumCheck(`${where}.${key}`, value, attribute.enum);
        }
      } else if (nested) {
        present.add(key);
        if (!isBlockList(value)) {
          this.report(where, `${key} is a block (${key} { ... }), not an argument`);
          continue;
        }
        if (nested.max !== undefined && value.length > nested.max) {
          this.report(where, `at most ${nested.max} ${key} block(s), found ${value.length}`);
        }
        value.forEach((item, index) => this.body(value.length > 1 ? `${where}.${key}[${index}]` : `${where}.${key}`, item, nested.block, { root }));
      } else {
        this.unknown(where, key, isBlockList(value) || isLabelledBlocks(value), schemaBlock, root);
      }
    }
    for (const [name, attribute] of Object.entries(schemaBlock.attributes || {})) {
      if (attribute.required && !present.has(name)) {
        this.report(where, `the required argument ${name} is missing`);
      }
    }
    for (const [name, nested] of Object.entries(schemaBlock.blocks || {})) {
      if ((nested.required || nested.min > 0) && !present.has(name)) {
        this.report(where, `the required block ${name} is missing`);
      }
    }
  }

  unknown(where, key, asBlock, schemaBlock, root) {
    if (asBlock) {
      const elsewhere = findBlock(root, key).filter((place) => place !== key);
      if (elsewhere.length > 0) {
        this.report(where, `block ${key} is nested in the wrong place; the schema has it at ${elsewhere.join(', ')}`);
      } else {
        this.report(where, `unknown block ${key}`);
      }
    } else {
      this.report(where, `unknown argument ${key}`);
    }
  }

  enumCheck(where, value, allowed) {
    const { values } = literalCandidates(value, this.context);
    for (const candidate of values) {
      if (!allowed.includes(candidate.value)) {
        const from = candidate.from === 'literal' ? '' : ` (from ${candidate.from})`;
        this.report(where, `"${candidate.value}"${from} is not one of ${allowed.filter(Boolean).join(', ')}`);
      }
    }
  }
}

function providerOf(type, block) {
  if (block.provider) {
    return String(block.provider).replace(/^\$\{|\}$/g, '').split('.')[0];
  }
  return type.split('_')[0];
}

/** Problems of one .tf file (its text), with the module's variables and locals for enum resolution. */
async function fileProblems(schemas, fileName, text, context) {
  const parsed = await parseText(fileName, text);
  const walker = new Walker(schemas, fileName, context);
  for (const [kind, value] of Object.entries(parsed)) {
    if (kind === 'resource' || kind === 'data') {
      for (const [type, byName] of Object.entries(value)) {
        for (const [name, blocks] of Object.entries(byName)) {
          for (const block of blocks) {
            const where = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
            const provider = providerOf(type, block);
            const fixture = schemas[provider];
            const entry = fixture && fixture[kind === 'resource' ? 'resources' : 'dataSources'][type];
            if (!entry) {
              walker.report(where, `no schema for ${kind === 'data' ? 'data source' : 'resource'} ${type} of provider ${provider} (re-run tests/Terraform/provider-schema/derive.js)`);
              continue;
            }
            walker.body(where, block, entry.block, {
              meta: RESOURCE_META,
              metaBlocks: kind === 'resource' ? { lifecycle: LIFECYCLE, provisioner: ANY, connection: ANY } : { lifecycle: DATA_LIFECYCLE },
              timeouts: entry.timeouts,
            });
          }
        }
      }
    } else if (kind === 'provider') {
      for (const [name, blocks] of Object.entries(value)) {
        const fixture = schemas[name];
        for (const block of blocks) {
          if (!fixture || !fixture.providerConfig) {
            walker.report(`provider.${name}`, `no schema for the ${name} provider block`);
            continue;
          }
          walker.body(`provider.${name}`, block, fixture.providerConfig.block, { meta: PROVIDER_META, dynamicAllowed: false });
        }
      }
    } else if (LANGUAGE[kind]) {
      const entries = kind === 'terraform' ? [['', value]] : Object.entries(value);
      for (const [name, blocks] of entries) {
        for (const block of blocks) {
          const where = name ? `${kind}.${name}` : kind;
          walker.body(where, block, languageBlock(LANGUAGE[kind]), { dynamicAllowed: false, metaBlocks: {} });
        }
      }
    } else if (kind !== 'locals' && kind !== 'module') {
      walker.report(kind, `unexpected top-level block ${kind}`);
    }
  }
  return walker.problems;
}

/** The language tables in the fixtures' form (blocks with labels are keyed by label in hcl2json, so ANY covers them). */
function languageBlock(spec) {
  const blocks = {};
  for (const [name, nested] of Object.entries(spec.blocks)) {
    blocks[name] = { nesting: 'list', block: nested.labels ? ANY : nested.block, max: nested.max, min: nested.min };
  }
  return { attributes: spec.attributes, blocks };
}

/** Every provider-schema problem of a module given as file name -> text (the module's merged config supplies variables and locals). */
async function moduleSchemaProblems(schemas, module) {
  const { locals } = require('./hcl');
  const context = { variables: module.config.variable || {}, locals: locals(module.config) };
  const problems = [];
  for (const [name, text] of Object.entries(module.files)) {
    problems.push(...(await fileProblems(schemas, name, text, context)));
  }
  return problems;
}

/** Resource and data source types (with their provider) that a module uses. */
function usedTypes(config) {
  const used = [];
  for (const [kind, key] of [['resources', 'resource'], ['dataSources', 'data']]) {
    for (const [type, byName] of Object.entries(config[key] || {})) {
      for (const blocks of Object.values(byName)) {
        for (const block of blocks) {
          used.push({ kind, type, provider: providerOf(type, block) });
        }
      }
    }
  }
  return used;
}

/**
 * Each provider the module uses must be in required_providers with source hashicorp/NAME and a `~> MAJOR.MINOR`
 * constraint whose MAJOR.MINOR is the fixture's: the schema was checked against that release, and users get it or a later
 * one of the same major.
 */
function providerVersionProblems(schemas, config) {
  const problems = [];
  const terraform = (config.terraform || [])[0] || {};
  const required = ((terraform.required_providers || [])[0]) || {};
  const used = new Set(usedTypes(config).map(({ provider }) => provider));
  for (const name of Object.keys(config.provider || {})) {
    used.add(name);
  }
  for (const name of used) {
    const entry = required[name];
    const fixture = schemas[name];
    if (!entry) {
      problems.push(`provider ${name} is used but not listed in required_providers`);
      continue;
    }
    if (entry.source !== `hashicorp/${name}`) {
      problems.push(`required_providers.${name}.source must be hashicorp/${name}`);
    }
    if (!fixture) {
      problems.push(`no schema fixture for provider ${name}`);
      continue;
    }
    const [major, minor] = fixture.version.split('.');
    const match = /^~>\s*(\d+)\.(\d+)$/.exec(entry.version || '');
    if (!match) {
      problems.push(`required_providers.${name}.version must be "~> ${major}.${minor}" (the schema fixture is ${fixture.version})`);
    } else if (match[1] !== major || match[2] !== minor) {
      problems.push(`required_providers.${name}.version is "${entry.version}", but the module was checked against ${name} ${fixture.version}: use "~> ${major}.${minor}"`);
    }
  }
  return problems;
}

module.exports = { SCHEMA_DIR, loadSchemas, fileProblems, moduleSchemaProblems, usedTypes, providerVersionProblems, literalCandidates };
