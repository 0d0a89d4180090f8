'use strict';
// Reads Terraform configuration with HashiCorp's HCL parser (WebAssembly build in @cdktf/hcl2json) and
// merges the files of one directory the way Terraform does: one module = every *.tf file in the folder.

const fs = require('node:fs');
const path = require('node:path');
const { parse } = require('@cdktf/hcl2json');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const TERRAFORM_ROOT = path.join(REPO_ROOT, 'terraform');
const MODULE_DIR = path.join(TERRAFORM_ROOT, 'modules', 'imagetrust');

/** Lists the *.tf files of a directory (not recursive), sorted. */
function tfFiles(dir) {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.tf')).sort().map((name) => path.join(dir, name));
}

/** Parses one file's text; rejects with the parser's file:line:col message on a syntax error. */
async function parseText(fileName, text) {
  return parse(fileName, text);
}

/** Merges parsed files into one module: blocks keyed by type and name are combined, lists concatenated. */
function mergeInto(target, parsed) {
  for (const [kind, value] of Object.entries(parsed)) {
    if (Array.isArray(value)) {
      target[kind] = (target[kind] || []).concat(value);
    } else if (kind === 'resource' || kind === 'data') {
      target[kind] = target[kind] || {};
      for (const [type, byName] of Object.entries(value)) {
        target[kind][type] = target[kind][type] || {};
        for (const [name, blocks] of Object.entries(byName)) {
          if (target[kind][type][name]) {
            throw new Error(`duplicate ${kind} ${type}.${name}`);
          }
          target[kind][type][name] = blocks;
        }
      }
    } else {
      target[kind] = target[kind] || {};
      for (const [name, blocks] of Object.entries(value)) {
        if (target[kind][name]) {
          throw new Error(`duplicate ${kind} ${name}`);
        }
        target[kind][name] = blocks;
      }
    }
  }
  return target;
}

/**
 * Loads a module from a map of file name -> text (so tests can load deliberately broken copies).
 * Returns { config, files } where config is the merged parse and files the texts.
 */
async function loadModuleFromTexts(files) {
  const config = {};
  for (const [name, text] of Object.entries(files)) {
    mergeInto(config, await parseText(name, text));
  }
  return { config, files };
}

/** Reads every *.tf file of a directory into a map of base name -> text. */
function readTexts(dir) {
  const files = {};
  for (const file of tfFiles(dir)) {
    files[path.basename(file)] = fs.readFileSync(file, 'utf8');
  }
  return files;
}

/** Loads the module in a directory. */
async function loadModule(dir) {
  return loadModuleFromTexts(readTexts(dir));
}

/** The single block of resource TYPE.NAME (throws a readable error when missing). */
function resource(config, type, name) {
  const blocks = config.resource && config.resource[type] && config.resource[type][name];
  if (!blocks) {
    throw new Error(`resource ${type}.${name} is missing`);
  }
  return blocks[0];
}

/** All resources of the configuration as [{type, name, block}]. */
function allResources(config) {
  const result = [];
  for (const [type, byName] of Object.entries(config.resource || {})) {
    for (const [name, blocks] of Object.entries(byName)) {
      for (const block of blocks) {
        result.push({ type, name, block });
      }
    }
  }
  return result;
}

/** The merged locals of the module. */
function locals(config) {
  return Object.assign({}, ...(config.locals || []));
}

/** The first nested block `name` of a block (hcl2json renders nested blocks as one-element lists). */
function nested(block, name) {
  const value = block && block[name];
  return Array.isArray(value) ? value[0] : undefined;
}

/** Strips the "${...}" wrapper hcl2json keeps around expressions. */
function expr(value) {
  if (typeof value !== 'string') {
    return value;
  }
  const match = /^\$\{([\s\S]*)\}$/.exec(value);
  return match ? match[1] : value;
}

module.exports = {
  REPO_ROOT,
  TERRAFORM_ROOT,
  MODULE_DIR,
  tfFiles,
  parseText,
  readTexts,
  loadModule,
  loadModuleFromTexts,
  resource,
  allResources,
  locals,
  nested,
  expr,
};
