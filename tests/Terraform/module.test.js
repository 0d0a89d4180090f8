'use strict';
// The imagetrust module's structure, checked on the parse of HashiCorp's HCL parser.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { MODULE_DIR, REPO_ROOT, loadModule, locals, parseText, tfFiles } = require('./lib/hcl');
const { checks } = require('./lib/checks');

const modulePromise = loadModule(MODULE_DIR);

test('module follows the terraform-google-modules file layout', () => {
  for (const name of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) {
    assert.ok(fs.existsSync(path.join(MODULE_DIR, name)), `modules/imagetrust/${name} is missing`);
  }
});

test('every .tf file parses on its own', async () => {
  const files = tfFiles(MODULE_DIR);
  assert.ok(files.length >= 4);
  for (const file of files) {
    const parsed = await parseText(path.basename(file), fs.readFileSync(file, 'utf8'));
    assert.ok(Object.keys(parsed).length > 0, `${file} parsed to nothing`);
  }
});

for (const [name, check] of Object.entries(checks)) {
  test(`module check: ${name}`, async () => {
    assert.deepEqual(check(await modulePromise), []);
  });
}

// Evaluates the archive's allow-list (local.source_roots and the bin/obj regex) over this checkout, the way
// Terraform's fileset() and the archive provider's excludes will, and checks what the upload holds.
test('source archive holds the function projects and the shared library, and nothing else', async () => {
  const { config } = await modulePromise;
  const values = locals(config);
  const roots = values.source_roots;
  const excludeRegex = /can\(regex\("([^"]+)", file\)\)/.exec(values.source_excludes);
  assert.ok(excludeRegex, 'local.source_excludes must exclude build output with a regex');
  const buildOutput = new RegExp(excludeRegex[1]);

  const included = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(REPO_ROOT, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        const allowed = roots.some((root) => relative === root || relative.startsWith(`${root}/`));
        if (allowed && !buildOutput.test(relative)) {
          included.push(relative);
        }
      }
    }
  };
  walk(REPO_ROOT);

  for (const required of ['Directory.Build.props', 'Directory.Packages.props', 'global.json', '.editorconfig', 'shared/ImageTrust.Shared.csproj']) {
    assert.ok(included.includes(required), `${required} is not in the archive`);
  }
  for (const name of ['PushVerifier', 'OccurrenceHandler', 'Reverifier']) {
    assert.ok(included.includes(`functions/${name}/${name}.csproj`), `functions/${name}/${name}.csproj is not in the archive`);
  }
  const leaked = included.filter((file) => /^(tests|terraform|scripts|\.git|\.ci)\/|\/(bin|obj|node_modules)\//.test(file));
  assert.deepEqual(leaked, []);
  assert.ok(buildOutput.test('functions/PushVerifier/bin/Release/net10.0/x.dll'));
  assert.ok(buildOutput.test('shared/obj/project.assets.json'));
});
