'use strict';
// cloudbuild.yaml: test before deploy; scan, sign and verify before deploy; pinned images; substitutions.

const test = require('node:test');
const assert = require('node:assert/strict');
const { loadCloudbuild, stageIndexes, runCloudbuildChecks } = require('./lib/cloudbuild');

const loaded = loadCloudbuild();

for (const [name, problems] of Object.entries(runCloudbuildChecks(loaded))) {
  test(`cloudbuild.yaml check: ${name}`, () => {
    assert.deepEqual(problems, []);
  });
}

test('cloudbuild.yaml runs test, scan, sign and verify before terraform apply, and pushes only scanned images', () => {
  const indexes = stageIndexes(loaded.build);
  const apply = indexes['terraform-apply'];
  assert.ok(apply > 0);
  for (const gate of ['preflight', 'test', 'build', 'scan', 'push', 'sign', 'verify', 'cleanup', 'terraform-init', 'terraform-plan']) {
    assert.ok(indexes[gate] >= 0 && indexes[gate] < apply, `${gate} (step ${indexes[gate]}) must precede apply (step ${apply})`);
  }
  assert.equal(indexes.preflight, 0);
  assert.ok(indexes.test < indexes.build && indexes.build < indexes.scan && indexes.scan < indexes.push && indexes.push < indexes.sign && indexes.sign < indexes.verify && indexes.verify < indexes.cleanup);
});

test('cloudbuild.yaml sets options.logging', () => {
  assert.ok(loaded.build.options && loaded.build.options.logging);
});
