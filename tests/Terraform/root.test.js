'use strict';
// The root example (terraform/) and its README.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { TERRAFORM_ROOT, MODULE_DIR, loadModule } = require('./lib/hcl');
const { rootProblems, readmeProblems } = require('./lib/root');

const modulePromise = loadModule(MODULE_DIR);
const rootPromise = loadModule(TERRAFORM_ROOT);

test('root example follows the file layout', () => {
  for (const name of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) {
    assert.ok(fs.existsSync(path.join(TERRAFORM_ROOT, name)), `terraform/${name} is missing`);
  }
});

test('root example calls the module with valid arguments', async () => {
  assert.deepEqual(rootProblems(await rootPromise, await modulePromise), []);
});

test('README documents every input, output and role, the deployment and the costs', async () => {
  assert.deepEqual(readmeProblems(await modulePromise), []);
});

test('README Inputs and Outputs tables are the ones scripts/check-terraform --print-tables renders', async () => {
  const { renderTables } = require('./lib/docs');
  const markdown = fs.readFileSync(path.join(TERRAFORM_ROOT, 'README.md'), 'utf8');
  const start = markdown.indexOf('## Inputs');
  assert.ok(start >= 0, 'README has no "## Inputs" section');
  assert.equal(markdown.slice(start).trimEnd(), renderTables(await modulePromise));
});
