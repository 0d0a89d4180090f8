'use strict';
// Checks of the root example (terraform/) against the module it calls, and of the README's tables.

const fs = require('node:fs');
const path = require('node:path');
const { TERRAFORM_ROOT, allResources, expr } = require('./hcl');
const { versionProblems } = require('./checks');

const README_PATH = path.join(TERRAFORM_ROOT, 'README.md');

/** The root module must call ./modules/imagetrust with arguments the module declares, and all it requires. */
function rootProblems(root, module) {
  const problems = [];
  const call = (((root.config.module || {}).imagetrust) || [])[0];
  if (!call) {
    return ['terraform/main.tf must call module "imagetrust"'];
  }
  if (call.source !== './modules/imagetrust') {
    problems.push('module "imagetrust" must use source = "./modules/imagetrust"');
  }
  const declared = module.config.variable || {};
  const metaArguments = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);
  for (const argument of Object.keys(call)) {
    if (!metaArguments.has(argument) && !declared[argument]) {
      problems.push(`module "imagetrust" has no variable ${argument}`);
    }
  }
  for (const [name, blocks] of Object.entries(declared)) {
    if (!('default' in blocks[0]) && !(name in call)) {
      problems.push(`module "imagetrust" requires ${name}, which terraform/main.tf does not pass`);
    }
  }
  for (const [name, blocks] of Object.entries(root.config.variable || {})) {
    if (!blocks[0].description || !blocks[0].type) {
      problems.push(`root variable ${name} needs a description and a type`);
    }
    if (!JSON.stringify(call).includes(`var.${name}`)) {
      problems.push(`root variable ${name} is never passed to the module`);
    }
  }
  if (!(root.config.variable || {}).project_id || 'default' in root.config.variable.project_id[0]) {
    problems.push('the root example must require project_id (terraform apply -var project_id=...)');
  }
  const moduleOutputs = module.config.output || {};
  for (const [name, blocks] of Object.entries(root.config.output || {})) {
    const reference = /^module\.imagetrust\.([a-z_]+)$/.exec(expr(blocks[0].value) || '');
    if (!reference || !moduleOutputs[reference[1]]) {
      problems.push(`root output ${name} must pass a module output`);
    }
    if (!blocks[0].description) {
      problems.push(`root output ${name} needs a description`);
    }
  }
  for (const name of ['google', 'google-beta']) {
    const provider = ((root.config.provider || {})[name] || [])[0];
    if (!provider || expr(provider.project) !== 'var.project_id' || expr(provider.region) !== 'var.region') {
      problems.push(`the root example must configure the ${name} provider with project and region (the module uses it)`);
    }
  }
  if ((root.config.terraform || []).some((block) => block.backend)) {
    problems.push('the root example must not hard-code a backend (cloudbuild.yaml adds the GCS backend)');
  }
  problems.push(...versionProblems(root.config));
  if (allResources(root.config).length > 0) {
    problems.push('the root example must only call the module (resources belong in modules/imagetrust)');
  }
  return problems;
}

/** Rows of the Markdown table that follows a heading, as lists of cell texts. */
function tableAfterHeading(markdown, heading) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.replace(/^#+\s*/, '').trim() === heading && line.startsWith('#'));
  if (start < 0) {
    return null;
  }
  const rows = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) {
      break;
    }
    if (line.startsWith('|')) {
      inTable = true;
      const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
      if (!cells.every((cell) => /^:?-+:?$/.test(cell))) {
        rows.push(cells);
      }
    } else if (inTable) {
      break;
    }
  }
  return rows.slice(1); // without the header row
}

/** The README must document every input and output of the module, the deployment and the roles granted. */
function readmeProblems(module, markdown = fs.existsSync(README_PATH) ? fs.readFileSync(README_PATH, 'utf8') : '') {
  const problems = [];
  if (!markdown) {
    return ['terraform/README.md is missing'];
  }
  const documented = (heading) => {
    const rows = tableAfterHeading(markdown, heading);
    if (rows === null) {
      problems.push(`README needs a "${heading}" section with a table`);
      return new Set();
    }
    return new Set(rows.map((cells) => cells[0].replace(/`/g, '')));
  };
  const inputs = documented('Inputs');
  for (const name of Object.keys(module.config.variable || {})) {
    if (!inputs.has(name)) {
      problems.push(`README Inputs table lacks ${name}`);
    }
  }
  for (const name of inputs) {
    if (!(module.config.variable || {})[name]) {
      problems.push(`README Inputs table lists ${name}, which the module does not declare`);
    }
  }
  const outputs = documented('Outputs');
  for (const name of Object.keys(module.config.output || {})) {
    if (!outputs.has(name)) {
      problems.push(`README Outputs table lacks ${name}`);
    }
  }
  // What a user must be told: how to deploy, the gcr topic choice, the waits, what the key covers, how ReadyToRun reaches
  // the buildpack (and why not GOOGLE_BUILD_ARGS alone), the Terraform version the write-only policy needs, and what
  // only a real project can tell.
  for (const phrase of ['terraform init', 'terraform apply -var project_id=', 'create_gcr_topic', 'create_occurrences_topic',
    'Resource already exists in the project', 'attributes.severity', 'policy_file', 'policy_kms_key_versions', 'gcf-v2-sources-PROJECT_NUMBER-REGION',
    'time_sleep', 'google_project_service_identity', 'secret_data_wo', 'Terraform 1.11', 'GOOGLE_BUILD_ARGS', 'NETSDK1047',
    'deployment = "cloud_run"', 'up to 24 hours', '## Encryption', '## What only a real project can tell']) {
    if (!markdown.includes(phrase)) {
      problems.push(`README must explain ${phrase}`);
    }
  }
  const { locals } = require('./hcl');
  const environment = Object.keys(locals(module.config).function_environment || {}).concat(['IMAGETRUST_REVERIFY_MAX_AGE', 'IMAGETRUST_OUTBOX_CONFIRMATIONS']);
  for (const name of environment) {
    if (!markdown.includes(name)) {
      problems.push(`README must name the environment variable ${name}`);
    }
  }
  if (!/^#+ .*Cost/m.test(markdown)) {
    problems.push('README needs a cost section');
  }
  // Every role the module grants is a row of the "Identities and IAM" table (identity, role, scope, why).
  const identityRows = tableAfterHeading(markdown, 'Identities and IAM') || [];
  const tabled = new Set(identityRows.map((cells) => (cells[1] || '').replace(/`/g, '')));
  const roles = new Set(allResources(module.config).map(({ block }) => block.role).filter(Boolean));
  for (const role of roles) {
    if (!tabled.has(role)) {
      problems.push(`README must list the role ${role} in the Identities and IAM table`);
    }
  }
  for (const identity of ['build (`imagetrust-build`', 'Pub/Sub service agent']) {
    if (!identityRows.some((cells) => (cells[0] || '').startsWith(identity))) {
      problems.push(`README's Identities and IAM table must list ${identity.replace(/`/g, '')}`);
    }
  }
  return problems;
}

module.exports = { README_PATH, rootProblems, readmeProblems, tableAfterHeading };
