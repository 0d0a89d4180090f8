#!/usr/bin/env node
'use strict';
// Derives the argument schema of every provider block, resource and data source that terraform/ uses from the
// providers' own Go source, and writes one small JSON fixture per provider next to this file:
//
//   node tests/Terraform/provider-schema/derive.js \
//     google=/path/to/terraform-provider-google.git@v7.45.0 \
//     google-beta=/path/to/terraform-provider-google-beta.git@v7.45.0 \
//     time=/path/to/terraform-provider-time.git@v0.14.0 archive=/path/to/terraform-provider-archive.git@v2.8.0
//
// Each argument is LOCAL_NAME=GIT_DIR@TAG (a bare or normal git directory; files are read with git, nothing is checked out).
// A provider left out keeps its committed fixture.
// The providers' code is read, never copied: the fixture keeps names, nesting, Required/Optional/Computed, MinItems/MaxItems,
// Timeouts and the allowed values of enum validators, plus the commit and the files each schema came from.
//
// SDKv2 providers (google, google-beta): schemas are `registry.Schema{Name, Type, Schema}` registrations whose Schema is
// evaluated: composite literals, package variables, functions returning a literal, and the provider's own helpers that
// build schemas from others (MergeSchemas, DatasourceSchemaFromResourceSchema, Add{Required,Optional}FieldsToSchema,
// DeleteFieldsFromSchema, tpgiamresource.ResourceIamMember). Each helper's behaviour is re-checked against its source
// text; a helper or statement the deriver does not understand stops it instead of guessing.
// Plugin-framework providers (time, archive): the `Schema` method whose `Metadata` names the type.

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { Parser, parseFile, statements, qualifiedName } = require('./go-source');
const { MODULE_DIR, TERRAFORM_ROOT, loadModule } = require('../lib/hcl');

const OUTPUT_DIR = __dirname;
const REPOSITORIES = {
  google: 'https://github.com/hashicorp/terraform-provider-google',
  'google-beta': 'https://github.com/hashicorp/terraform-provider-google-beta',
  time: 'https://github.com/hashicorp/terraform-provider-time',
  archive: 'https://github.com/hashicorp/terraform-provider-archive',
};

/** Read-only access to one commit of a git directory. */
class GitTree {
  constructor(dir, ref) {
    this.dir = dir;
    this.ref = ref;
    this.commit = this.git(['rev-parse', `${ref}^{commit}`]).trim();
    this.cache = new Map();
  }

  git(args, input) {
    return execFileSync('git', ['-C', this.dir, ...args], { maxBuffer: 1 << 30, input }).toString();
  }

  list(dir) {
    return this.git(['ls-tree', '--name-only', `${this.commit}:${dir}`]).split('\n').filter(Boolean).map((name) => `${dir}/${name}`);
  }

  read(file) {
    if (!this.cache.has(file)) {
      this.cache.set(file, this.git(['show', `${this.commit}:${file}`]));
    }
    return this.cache.get(file);
  }

  /** Files (non-test .go) under DIR that contain the fixed string TEXT. */
  grep(text, dir) {
    let output = '';
    try {
      output = this.git(['grep', '-l', '-F', text, this.commit, '--', dir]);
    } catch (error) {
      if (error.status === 1) {
        return [];
      }
      throw error;
    }
    return output.split('\n').filter(Boolean).map((line) => line.slice(this.commit.length + 1)).filter((file) => file.endsWith('.go') && !file.endsWith('_test.go'));
  }
}

/** The Go packages of one provider checkout, parsed on demand. */
class GoProgram {
  constructor(tree, modulePath) {
    this.tree = tree;
    this.modulePath = modulePath;
    this.packages = new Map();
    this.filesUsed = new Set();
  }

  packageAt(dir) {
    if (!this.packages.has(dir)) {
      const files = this.tree.list(dir).filter((file) => file.endsWith('.go') && !file.endsWith('_test.go'));
      const parsed = files.map((file) => parseFile(file, this.tree.read(file)));
      const funcs = {};
      const vars = {};
      for (const file of parsed) {
        for (const [name, func] of Object.entries(file.funcs)) {
          funcs[name] = { ...func, imports: file.imports };
        }
        for (const [name, variable] of Object.entries(file.vars)) {
          vars[name] = { ...variable, imports: file.imports };
        }
      }
      this.packages.set(dir, { dir, files: parsed, funcs, vars });
    }
    return this.packages.get(dir);
  }

  /** The package directory an import path of this module names (null for other modules). */
  dirOfImport(importPath) {
    return importPath.startsWith(`${this.modulePath}/`) ? importPath.slice(this.modulePath.length + 1) : null;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// SDKv2 evaluation. Values: {kind: 'resource', schema, timeouts}, {kind: 'schemaMap', fields: Map}, {kind: 'field', props},
// {kind: 'bool'|'string'|'number'|'list'|'ref'|'opaque', ...}.

class SdkEvaluator {
  constructor(program) {
    this.program = program;
    this.verifiedHelpers = new Set();
  }

  /** Checks that a provider helper still does what this deriver models, by its source text. */
  verifyHelper(pkgDir, name, mustContain) {
    const key = `${pkgDir}.${name}`;
    if (this.verifiedHelpers.has(key)) {
      return;
    }
    const pkg = this.program.packageAt(pkgDir);
    const func = pkg.funcs[name];
    if (!func) {
      throw new Error(`helper ${key} not found; the deriver must be updated`);
    }
    const text = func.body.map((token) => (token.kind === 'string' ? JSON.stringify(token.value) : token.value)).join(' ');
    for (const fragment of mustContain) {
      if (!text.includes(fragment)) {
        throw new Error(`helper ${key} no longer contains "${fragment}"; the deriver must be updated`);
      }
    }
    this.program.filesUsed.add(func.file);
    this.verifiedHelpers.add(key);
  }

  evaluate(expr, scope) {
    switch (expr.kind) {
      case 'composite':
        return this.composite(expr, scope);
      case 'unary':
        if (expr.op === '&') {
          return this.evaluate(expr.operand, scope);
        }
        if (expr.op === '!') {
          const value = this.evaluate(expr.operand, scope);
          return value.kind === 'bool' ? { kind: 'bool', value: !value.value } : { kind: 'opaque' };
        }
        return { kind: 'opaque' };
      case 'string':
        return { kind: 'string', value: expr.value };
      case 'number':
        return { kind: 'number', value: Number(expr.value.replace(/_/g, '')) };
      case 'binary':
        if (expr.op === '+') {
          const left = this.evaluate(expr.left, scope);
          const right = this.evaluate(expr.right, scope);
          if (left.kind === 'string' && right.kind === 'string') {
            return { kind: 'string', value: left.value + right.value };
          }
        }
        return { kind: 'opaque' };
      case 'ident':
        return this.identifier(expr.name, scope);
      case 'selector':
        return this.selector(expr, scope);
      case 'call':
        return this.call(expr, scope);
      case 'index': {
        const target = this.evaluate(expr.expr, scope);
        const key = this.evaluate(expr.index, scope);
        if (target.kind === 'schemaMap' && key.kind === 'string') {
          const field = target.fields.get(key.value);
          if (!field) {
            throw new Error(`${scope.file}:${expr.line}: no field ${key.value}`);
          }
          return field;
        }
        return { kind: 'opaque' };
      }
      case 'funcLit':
      case 'type':
      case 'typeAssert':
      case 'slice':
      case 'char':
        return { kind: 'opaque' };
      default:
        throw new Error(`${scope.file}:${expr.line}: cannot evaluate ${expr.kind}`);
    }
  }

  identifier(name, scope) {
    if (name === 'true' || name === 'false') {
      return { kind: 'bool', value: name === 'true' };
    }
    if (name === 'nil') {
      return { kind: 'nil' };
    }
    if (scope.locals && scope.locals.has(name)) {
      return scope.locals.get(name);
    }
    const pkg = this.program.packageAt(scope.pkgDir);
    if (pkg.vars[name]) {
      this.program.filesUsed.add(pkg.vars[name].file);
      return this.evaluate(pkg.vars[name].value, { pkgDir: scope.pkgDir, file: pkg.vars[name].file, imports: pkg.vars[name].imports });
    }
    if (pkg.funcs[name]) {
      return { kind: 'func', pkgDir: scope.pkgDir, name };
    }
    return { kind: 'opaque', name };
  }

  /** pkg.Name for an imported package of this module, else a field of a value. */
  selector(expr, scope) {
    const base = expr.expr.kind === 'ident' ? expr.expr.name : null;
    if (base && scope.imports && scope.imports[base] && !(scope.locals && scope.locals.has(base))) {
      const dir = this.program.dirOfImport(scope.imports[base]);
      if (dir === null) {
        return { kind: 'ref', name: `${base}.${expr.name}` };
      }
      return this.identifier(expr.name, { pkgDir: dir, file: `${dir}/*`, imports: {}, locals: null });
    }
    const value = this.evaluate(expr.expr, scope);
    if (value.kind === 'resource' && expr.name === 'Schema') {
      return value.schema;
    }
    return { kind: 'opaque' };
  }

  composite(expr, scope) {
    const typeName = expr.type ? typeString(expr.type) : null;
    if (typeName === 'schema.Resource' || typeName === 'schema.Provider') {
      const fields = keyed(expr);
      const schema = fields.Schema ? this.schemaMap(this.evaluate(fields.Schema, scope), scope, expr.line) : { kind: 'schemaMap', fields: new Map() };
      const timeoutsLiteral = fields.Timeouts && unwrap(fields.Timeouts);
      const timeouts = timeoutsLiteral && timeoutsLiteral.kind === 'composite'
        ? timeoutsLiteral.elements.map((element) => element.key.name.toLowerCase()).sort() : [];
      return { kind: 'resource', schema, timeouts };
    }
    if (typeName === 'map[string]*schema.Schema') {
      const result = new Map();
      for (const element of expr.elements) {
        const key = this.evaluate(element.key, scope);
        if (key.kind !== 'string') {
          throw new Error(`${scope.file}:${expr.line}: schema map key is not a string`);
        }
        result.set(key.value, this.field(element.value, scope));
      }
      return { kind: 'schemaMap', fields: result };
    }
    if (typeName === 'schema.Schema') {
      return this.field(expr, scope);
    }
    if (expr.type && expr.type.kind === 'sliceType') {
      return { kind: 'list', items: expr.elements.map((element) => this.evaluate(element.value, scope)) };
    }
    return { kind: 'opaque', type: typeName };
  }

  /** A *schema.Schema: a literal (typed or elided), or anything that evaluates to a field. */
  field(expr, scope) {
    if (expr.kind === 'composite' && (expr.type === null || typeString(expr.type) === 'schema.Schema')) {
      const props = {};
      for (const element of expr.elements) {
        props[element.key.name] = element.value;
      }
      return { kind: 'field', props, scope, line: expr.line };
    }
    const value = this.evaluate(expr, scope);
    if (value.kind !== 'field') {
      throw new Error(`${scope.file}:${expr.line}: expected a *schema.Schema, got ${value.kind}`);
    }
    return value;
  }

  schemaMap(value, scope, line) {
    if (value.kind !== 'schemaMap') {
      throw new Error(`${scope.file}:${line}: Schema is not a schema map (${value.kind})`);
    }
    return value;
  }

  call(expr, scope) {
    const callee = qualifiedName(expr.fn);
    const args = expr.args;
    // The provider's schema-building helpers, modelled here and checked against their source.
    const helper = (pkgSuffix, name) => {
      if (!callee) {
        return false;
      }
      const [first, second] = callee.split('.');
      if (second === undefined) {
        return scope.pkgDir.endsWith(pkgSuffix) && first === name;
      }
      const imported = scope.imports && scope.imports[first];
      return Boolean(imported) && imported.endsWith(`/${pkgSuffix}`) && second === name;
    };
    const tpg = (name) => helper('tpgresource', name);
    if (tpg('MergeSchemas')) {
      this.verifyHelper(this.tpgresourceDir(), 'MergeSchemas', ['for k , v := range a', 'merged [ k ] = v', 'for k , v := range b']);
      const merged = new Map();
      for (const arg of args) {
        for (const [key, value] of this.schemaMap(this.evaluate(arg, scope), scope, expr.line).fields) {
          merged.set(key, value);
        }
      }
      return { kind: 'schemaMap', fields: merged };
    }
    if (tpg('DatasourceSchemaFromResourceSchema')) {
      this.verifyHelper(this.tpgresourceDir(), 'DatasourceSchemaFromResourceSchema', ['Computed : true', 'Required : false', 'Schema : DatasourceSchemaFromResourceSchema ( elem . Schema )']);
      return datasourceSchema(this.schemaMap(this.evaluate(args[0], scope), scope, expr.line));
    }
    if (helper('tpgiamresource', 'ResourceIamMember')) {
      this.verifyHelper(this.program.dirOfImport(scope.imports.tpgiamresource) || 'google/tpgiamresource', 'ResourceIamMember', ['Schema : tpgresource . MergeSchemas ( IamMemberBaseSchema , parentSpecificSchema )']);
      const iamDir = this.program.dirOfImport(scope.imports.tpgiamresource);
      const base = this.identifier('IamMemberBaseSchema', { pkgDir: iamDir, file: `${iamDir}/*`, imports: {} });
      const parent = this.schemaMap(this.evaluate(args[0], scope), scope, expr.line);
      return { kind: 'resource', schema: { kind: 'schemaMap', fields: new Map([...base.fields, ...parent.fields]) }, timeouts: [] };
    }
    const target = this.evaluate(expr.fn, scope);
    if (target.kind === 'func') {
      return this.interpret(target.pkgDir, target.name, args.map((arg) => this.evaluate(arg, scope)));
    }
    return { kind: 'opaque', call: callee };
  }

  tpgresourceDir() {
    return this.program.modulePath.endsWith('-beta') ? 'google-beta/tpgresource' : 'google/tpgresource';
  }

  /** Runs a function of the provider whose body builds a schema: declarations, known mutations, return. */
  interpret(pkgDir, name, argValues) {
    const pkg = this.program.packageAt(pkgDir);
    const func = pkg.funcs[name];
    this.program.filesUsed.add(func.file);
    const locals = new Map(func.params.map((param, index) => [param, argValues[index] || { kind: 'opaque' }]));
    const scope = { pkgDir, file: func.file, imports: func.imports, locals };
    for (const tokens of statements(func.body)) {
      const parser = new Parser(tokens, func.file);
      const first = tokens[0];
      if (first.value === 'return') {
        parser.next();
        return this.evaluate(parser.parseExpression(), scope);
      }
      const mentioned = tokens.filter((token) => token.kind === 'ident' && locals.has(token.value) && locals.get(token.value).kind === 'schemaMap');
      if (tokens.length >= 3 && tokens[0].kind === 'ident' && (tokens[1].value === ':=' || tokens[1].value === '=') && !tokens.slice(2).some((t) => t.value === ':=')) {
        parser.next();
        parser.next();
        locals.set(first.value, this.evaluate(parser.parseExpression(), scope));
        continue;
      }
      if (first.value === 'var' && tokens[2] && tokens[2].value === '=') {
        parser.next();
        const variable = parser.next().value;
        parser.next();
        locals.set(variable, this.evaluate(parser.parseExpression(), scope));
        continue;
      }
      if (mentioned.length === 0) {
        continue; // statements that do not touch a schema under construction (if err != nil ..., logging) are irrelevant
      }
      const expression = parser.parseExpression();
      if (expression.kind === 'call' && parser.peek().kind === 'eof') {
        const callee = qualifiedName(expression.fn) || '';
        const target = this.evaluate(expression.args[0], scope);
        const keys = expression.args.slice(1).map((arg) => this.evaluate(arg, scope));
        if (/\.(AddRequiredFieldsToSchema|AddOptionalFieldsToSchema)$/.test(callee) && target.kind === 'schemaMap' && keys.every((key) => key.kind === 'string')) {
          const required = callee.endsWith('AddRequiredFieldsToSchema');
          this.verifyHelper(this.tpgresourceDir(), 'FixDatasourceSchemaFlags', ['schema [ v ] . Computed = false', 'schema [ v ] . Optional = ! required', 'schema [ v ] . Required = required']);
          for (const key of keys) {
            const field = target.fields.get(key.value);
            if (!field) {
              throw new Error(`${func.file}: ${callee} names ${key.value}, which the schema lacks`);
            }
            target.fields.set(key.value, { ...field, flags: { ...field.flags, computed: false, optional: !required, required } });
          }
          continue;
        }
        if (/\.DeleteFieldsFromSchema$/.test(callee) && target.kind === 'schemaMap') {
          this.verifyHelper(this.tpgresourceDir(), 'DeleteFieldsFromSchema', ['delete ( schema , key )']);
          keys.forEach((key) => target.fields.delete(key.value));
          continue;
        }
      }
      if (parser.is('=') && expression.kind === 'selector' && expression.expr.kind === 'index' && ['ValidateFunc', 'ValidateDiagFunc', 'DiffSuppressFunc', 'StateFunc', 'Description', 'Deprecated'].includes(expression.name)) {
        parser.next();
        const field = this.evaluate(expression.expr, scope);
        if (expression.name === 'ValidateFunc' || expression.name === 'ValidateDiagFunc') {
          field.validator = { expr: parser.parseExpression(), scope };
        }
        continue;
      }
      throw new Error(`${func.file}:${first.line}: the deriver does not understand this statement of ${name}: ${tokens.map((t) => t.value).join(' ').slice(0, 160)}`);
    }
    throw new Error(`${func.file}: ${name} has no return statement`);
  }

  /** The fixture's form of a schema map. */
  block(schemaMap) {
    const attributes = {};
    const blocks = {};
    for (const [name, field] of [...schemaMap.fields.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const props = field.props;
      const get = (key) => (props[key] ? this.evaluate(props[key], field.scope) : undefined);
      const flag = (key) => {
        if (field.flags && key.toLowerCase() in field.flags) {
          return field.flags[key.toLowerCase()];
        }
        const value = get(key);
        return Boolean(value && value.kind === 'bool' && value.value);
      };
      const removed = get('Removed');
      if (removed && removed.kind === 'string' && removed.value) {
        continue; // Removed fields are rejected by the SDK
      }
      const typeExpr = props.Type;
      const type = typeExpr ? (qualifiedName(typeExpr) || '').replace(/^schema\./, '') : 'unknown';
      const required = flag('Required');
      const optional = flag('Optional');
      const computed = flag('Computed');
      const elem = props.Elem ? this.evaluate(props.Elem, field.scope) : null;
      const configMode = props.ConfigMode ? qualifiedName(props.ConfigMode) : null;
      const nested = (type === 'TypeList' || type === 'TypeSet') && elem && elem.kind === 'resource';
      if (nested && (required || optional) && configMode !== 'schema.SchemaConfigModeAttr') {
        const minItems = get('MinItems');
        const maxItems = get('MaxItems');
        const entry = { nesting: type === 'TypeList' ? 'list' : 'set', block: this.block(elem.schema) };
        if (required) {
          entry.required = true;
        }
        const min = minItems && minItems.kind === 'number' ? minItems.value : required ? 1 : 0;
        if (min > 0) {
          entry.min = min;
        }
        if (maxItems && maxItems.kind === 'number') {
          entry.max = maxItems.value;
        }
        blocks[name] = entry;
        continue;
      }
      const attribute = { type: sdkType(type, elem) };
      if (required) {
        attribute.required = true;
      }
      if (optional) {
        attribute.optional = true;
      }
      if (computed) {
        attribute.computed = true;
      }
      if (flag('WriteOnly')) {
        attribute.writeOnly = true;
      }
      const deprecated = get('Deprecated');
      if (deprecated && deprecated.kind === 'string' && deprecated.value) {
        attribute.deprecated = true;
      }
      const validator = field.validator || (props.ValidateFunc ? { expr: props.ValidateFunc, scope: field.scope } : props.ValidateDiagFunc ? { expr: props.ValidateDiagFunc, scope: field.scope } : null);
      const values = required || optional ? this.enumValues(validator) : null;
      if (values) {
        attribute.enum = values;
      }
      attributes[name] = attribute;
    }
    return { attributes, blocks };
  }

  /** The allowed values of verify.ValidateEnum / validation.StringInSlice (possibly inside ToDiagFunc); null otherwise. */
  enumValues(validator) {
    if (!validator) {
      return null;
    }
    const { expr, scope } = validator;
    if (expr.kind !== 'call') {
      return null;
    }
    const callee = qualifiedName(expr.fn) || '';
    if (/(^|\.)ToDiagFunc$/.test(callee)) {
      return this.enumValues({ expr: expr.args[0], scope });
    }
    if (/(^|\.)ValidateEnum$/.test(callee) || /(^|\.)StringInSlice$/.test(callee)) {
      if (/StringInSlice$/.test(callee)) {
        const ignoreCase = this.evaluate(expr.args[1], scope);
        if (!(ignoreCase.kind === 'bool' && ignoreCase.value === false)) {
          return null; // case-insensitive: a literal check would be stricter than the provider
        }
      }
      const list = this.evaluate(expr.args[0], scope);
      if (list.kind === 'list' && list.items.every((item) => item.kind === 'string')) {
        return list.items.map((item) => item.value);
      }
      throw new Error(`${scope.file}:${expr.line}: enum values are not a literal list`);
    }
    return null;
  }
}

function datasourceSchema(resourceSchema) {
  const fields = new Map();
  for (const [name, field] of resourceSchema.fields) {
    // Every field becomes Computed (not Required/Optional); validators and MaxItems are dropped (DatasourceSchemaFromResourceSchema).
    const props = { Type: field.props.Type };
    if (field.props.Elem) {
      props.Elem = field.props.Elem;
    }
    fields.set(name, { kind: 'field', props, scope: field.scope, flags: { computed: true, optional: false, required: false }, fromDatasource: true });
  }
  return { kind: 'schemaMap', fields };
}

function sdkType(type, elem) {
  const primitive = { TypeString: 'string', TypeInt: 'number', TypeFloat: 'number', TypeBool: 'bool' };
  if (primitive[type]) {
    return primitive[type];
  }
  const inner = elem && elem.kind === 'field' ? sdkType((qualifiedName(elem.props.Type) || '').replace(/^schema\./, ''), null) : elem && elem.kind === 'resource' ? 'object' : 'string';
  return { TypeList: `list(${inner})`, TypeSet: `set(${inner})`, TypeMap: `map(${inner})` }[type] || 'unknown';
}

function typeString(type) {
  switch (type.kind) {
    case 'namedType':
      return type.name;
    case 'pointerType':
      return typeString(type.elem);
    case 'sliceType':
      return `[]${typeString(type.elem)}`;
    case 'mapType':
      return `map[${typeString(type.key)}]*${typeString(type.value)}`.replace('**', '*');
    default:
      return type.name || type.kind;
  }
}

function unwrap(expr) {
  return expr.kind === 'unary' && expr.op === '&' ? unwrap(expr.operand) : expr;
}

function keyed(composite) {
  const result = {};
  for (const element of composite.elements) {
    if (element.key && element.key.kind === 'ident') {
      result[element.key.name] = element.value;
    }
  }
  return result;
}

/** Finds `registry.Schema{Name: NAME, Type: ..., Schema: EXPR}` and evaluates EXPR. */
function deriveSdk(tree, localName, types) {
  const root = localName === 'google-beta' ? 'google-beta' : 'google';
  const modulePath = `github.com/hashicorp/terraform-provider-${localName}`;
  const program = new GoProgram(tree, modulePath);
  const evaluator = new SdkEvaluator(program);
  const result = { resources: {}, dataSources: {} };

  for (const [kind, names] of [['resources', types.resources], ['dataSources', types.dataSources]]) {
    for (const name of names) {
      const wanted = kind === 'resources' ? ['registry.SchemaTypeResource', 'registry.SchemaTypeIAMResource'] : ['registry.SchemaTypeDataSource', 'registry.SchemaTypeIAMDataSource'];
      let found = null;
      for (const file of tree.grep(`"${name}"`, `${root}/services`)) {
        const pkgDir = path.posix.dirname(file);
        const parsed = program.packageAt(pkgDir).files.find((candidate) => candidate.file === file);
        for (const func of Object.values(parsed.funcs).filter((f) => f.name === 'init')) {
          for (const tokens of statements(func.body)) {
            const parser = new Parser(tokens, file);
            if (!(tokens[0].value === 'registry' && tokens[2] && tokens[2].value === 'Schema')) {
              continue;
            }
            const registration = parser.parsePostfix(parser.parseOperand());
            const composite = registration.kind === 'call' && registration.fn.kind === 'selector' ? registration.fn.expr : null;
            if (!composite || composite.kind !== 'composite') {
              continue;
            }
            const fields = keyed(composite);
            if (fields.Name && fields.Name.value === name && wanted.includes(qualifiedName(fields.Type))) {
              found = { file, pkgDir, schemaExpr: fields.Schema, imports: parsed.imports };
            }
          }
        }
      }
      if (!found) {
        throw new Error(`${localName}: no registration of ${kind === 'resources' ? 'resource' : 'data source'} ${name}`);
      }
      program.filesUsed.clear();
      program.filesUsed.add(found.file);
      const value = evaluator.evaluate(found.schemaExpr, { pkgDir: found.pkgDir, file: found.file, imports: found.imports, locals: null });
      if (value.kind !== 'resource') {
        throw new Error(`${name}: the registered Schema did not evaluate to a resource (${value.kind})`);
      }
      result[kind][name] = { files: [...program.filesUsed].sort(), timeouts: value.timeouts, block: evaluator.block(value.schema) };
    }
  }

  if (types.providerConfig) {
    program.filesUsed.clear();
    const file = `${root}/provider/provider.go`;
    const func = program.packageAt(`${root}/provider`).funcs.Provider;
    const first = statements(func.body)[0];
    const parser = new Parser(first, file);
    parser.next();
    parser.expect(':=');
    const value = evaluator.evaluate(parser.parseExpression(), { pkgDir: `${root}/provider`, file, imports: func.imports, locals: null });
    result.providerConfig = { files: [file, ...[...program.filesUsed].filter((f) => f !== file)].sort(), block: evaluator.block(value.schema) };
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Plugin framework (time, archive).

function deriveFramework(tree, localName, types) {
  const dir = 'internal/provider';
  const files = tree.list(dir).filter((file) => file.endsWith('.go') && !file.endsWith('_test.go')).map((file) => parseFile(file, tree.read(file)));
  const result = { resources: {}, dataSources: {} };
  const prefix = `${localName}_`;
  for (const [kind, names, filePrefix] of [['resources', types.resources, 'resource_'], ['dataSources', types.dataSources, 'data_source_']]) {
    for (const name of names) {
      const suffix = JSON.stringify(`_${name.slice(prefix.length)}`);
      const file = files.find((candidate) => path.posix.basename(candidate.file).startsWith(filePrefix)
        && candidate.methods.some((method) => method.name === 'Metadata' && method.body.some((token) => token.kind === 'string' && JSON.stringify(token.value) === suffix)));
      if (!file) {
        throw new Error(`${localName}: no ${kind} file whose Metadata names ${name}`);
      }
      const method = file.methods.find((candidate) => candidate.name === 'Schema');
      const statement = statements(method.body).find((tokens) => tokens[0].value === 'resp' && tokens[2] && tokens[2].value === 'Schema' && tokens[3].value === '=');
      const parser = new Parser(statement, file.file);
      for (let i = 0; i < 4; i++) {
        parser.next();
      }
      const schema = parser.parseExpression();
      result[kind][name] = { files: [file.file], timeouts: [], block: frameworkBlock(schema, file.file) };
    }
  }
  return result;
}

function frameworkBlock(composite, file) {
  const fields = keyed(composite);
  const attributes = {};
  const blocks = {};
  for (const element of (fields.Attributes && fields.Attributes.elements) || []) {
    const name = element.key.value;
    const props = keyed(element.value);
    const kind = typeString(element.value.type).replace(/^schema\./, '');
    const attribute = { type: { StringAttribute: 'string', BoolAttribute: 'bool', Int64Attribute: 'number', NumberAttribute: 'number', Float64Attribute: 'number', MapAttribute: 'map(string)', SetAttribute: 'set(string)', ListAttribute: 'list(string)' }[kind] || kind };
    for (const flag of ['Required', 'Optional', 'Computed', 'WriteOnly']) {
      if (props[flag] && props[flag].kind === 'ident' && props[flag].name === 'true') {
        attribute[flag === 'WriteOnly' ? 'writeOnly' : flag.toLowerCase()] = true;
      }
    }
    const oneOf = ((props.Validators && props.Validators.elements) || [])
      .map((validator) => validator.value)
      .find((call) => call.kind === 'call' && /(^|\.)OneOf$/.test(qualifiedName(call.fn) || ''));
    if (oneOf) {
      if (!oneOf.args.every((arg) => arg.kind === 'string')) {
        throw new Error(`${file}:${oneOf.line}: OneOf values are not literals`);
      }
      attribute.enum = oneOf.args.map((arg) => arg.value);
    }
    attributes[name] = attribute;
  }
  for (const element of (fields.Blocks && fields.Blocks.elements) || []) {
    const name = element.key.value;
    const kind = typeString(element.value.type).replace(/^schema\./, '');
    const props = keyed(element.value);
    const nesting = { ListNestedBlock: 'list', SetNestedBlock: 'set', SingleNestedBlock: 'single' }[kind];
    if (!nesting) {
      throw new Error(`${file}: unknown block kind ${kind}`);
    }
    const inner = nesting === 'single' ? element.value : props.NestedObject;
    blocks[name] = { nesting, block: frameworkBlock(inner, file) };
    if (nesting === 'single') {
      blocks[name].max = 1;
    }
  }
  return { attributes: sortKeys(attributes), blocks: sortKeys(blocks) };
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

// ---------------------------------------------------------------------------------------------------------------------

/** JSON with one line per attribute (an object of primitives), so the fixture stays small and reviewable. */
function stringify(value, indent = '') {
  const flat = (v) => v === null || typeof v !== 'object' || (Array.isArray(v) && v.every((item) => item === null || typeof item !== 'object'));
  if (flat(value) || (!Array.isArray(value) && Object.values(value).every(flat) && Object.keys(value).length > 0 && indent.length > 2)) {
    return JSON.stringify(value);
  }
  const inner = `${indent} `;
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[\n${value.map((item) => inner + stringify(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  return entries.length === 0 ? '{}' : `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${stringify(item, inner)}`).join(',\n')}\n${indent}}`;
}

/** The provider local name of each resource, data source and provider block that terraform/ uses. */
async function usedTypes() {
  const byProvider = {};
  const add = (provider, kind, type) => {
    byProvider[provider] = byProvider[provider] || { resources: new Set(), dataSources: new Set(), providerConfig: false };
    if (kind === 'provider') {
      byProvider[provider].providerConfig = true;
    } else {
      byProvider[provider][kind].add(type);
    }
  };
  for (const dir of [TERRAFORM_ROOT, MODULE_DIR]) {
    const { config } = await loadModule(dir);
    for (const [kind, key] of [['resources', 'resource'], ['dataSources', 'data']]) {
      for (const [type, byName] of Object.entries(config[key] || {})) {
        for (const blocks of Object.values(byName)) {
          for (const block of blocks) {
            const provider = block.provider ? String(block.provider).replace(/^\$\{|\}$/g, '').split('.')[0] : type.split('_')[0];
            add(provider, kind, type);
          }
        }
      }
    }
    for (const name of Object.keys(config.provider || {})) {
      add(name, 'provider');
    }
  }
  return byProvider;
}

async function main(argv) {
  const sources = {};
  for (const arg of argv) {
    const match = /^([a-z-]+)=(.+)@([^@]+)$/.exec(arg);
    if (!match) {
      throw new Error(`usage: derive.js NAME=GIT_DIR@TAG ... (got ${arg})`);
    }
    sources[match[1]] = { dir: match[2], ref: match[3] };
  }
  const used = await usedTypes();
  for (const [name, types] of Object.entries(used)) {
    const source = sources[name];
    if (!source) {
      // A provider not named keeps its committed fixture (so adding a google resource needs only the google checkout).
      if (fs.existsSync(path.join(OUTPUT_DIR, `${name}.json`)) && Object.keys(sources).length > 0) {
        console.log(`${name}: not given, its fixture is kept`);
        continue;
      }
      throw new Error(`terraform/ uses provider ${name}; pass ${name}=GIT_DIR@TAG`);
    }
    const tree = new GitTree(source.dir, source.ref);
    const sorted = { resources: [...types.resources].sort(), dataSources: [...types.dataSources].sort(), providerConfig: types.providerConfig };
    const derived = name === 'google' || name === 'google-beta' ? deriveSdk(tree, name, sorted) : deriveFramework(tree, name, sorted);
    const fixture = {
      provider: `hashicorp/${name}`,
      version: source.ref.replace(/^v/, ''),
      tag: source.ref,
      commit: tree.commit,
      repository: REPOSITORIES[name],
      derivedBy: 'tests/Terraform/provider-schema/derive.js',
      ...derived,
    };
    const out = path.join(OUTPUT_DIR, `${name}.json`);
    fs.writeFileSync(out, `${stringify(fixture)}\n`);
    const count = Object.keys(derived.resources).length + Object.keys(derived.dataSources).length;
    console.log(`${path.relative(process.cwd(), out)}: ${name} ${source.ref} (${tree.commit.slice(0, 12)}), ${count} schemas${derived.providerConfig ? ' + provider block' : ''}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`derive: ${error.message}`);
    process.exit(1);
  });
}

module.exports = { SdkEvaluator, GoProgram, deriveSdk, deriveFramework, frameworkBlock };
