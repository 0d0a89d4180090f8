'use strict';
// terraform fmt style and IAM justification comments in every .tf file.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { REPO_ROOT, TERRAFORM_ROOT, MODULE_DIR, tfFiles } = require('./lib/hcl');
const { fmtProblems, iamCommentProblems } = require('./lib/style');

const files = [...tfFiles(TERRAFORM_ROOT), ...tfFiles(MODULE_DIR)];

test('there are .tf files to check', () => {
  assert.ok(files.length >= 8, `found only ${files.length} .tf files`);
});

for (const file of files) {
  const name = path.relative(REPO_ROOT, file);
  const text = fs.readFileSync(file, 'utf8');

  test(`${name} is in terraform fmt style`, () => {
    assert.deepEqual(fmtProblems(name, text), []);
  });

  test(`${name} justifies every IAM binding in a comment`, () => {
    assert.deepEqual(iamCommentProblems(name, text), []);
  });
}

test('every IAM resource in the module is preceded by a comment', () => {
  const text = tfFiles(MODULE_DIR).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  const count = (text.match(/^resource "google_[a-z0-9_]+_iam_member"/gm) || []).length;
  assert.ok(count >= 12, `expected the module's IAM bindings, found ${count}`);
});
