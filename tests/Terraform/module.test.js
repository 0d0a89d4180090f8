'use strict';
// The imagetrust module's structure, checked on the parse of HashiCorp's HCL parser.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { MODULE_DIR, REPO_ROOT, expr, loadModule, locals, parseText, tfFiles } = require('./lib/hcl');
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

// Evaluates the archive's exclude list the way Terraform will (fileset over the checkout, top-level entries
// outside local.source_roots, folders matching local.build_output_pattern) and walks the checkout the way the
// archive provider does (an excluded folder is skipped whole), then checks what the upload holds.
test('source archive holds the function projects and the shared library, and nothing else', async () => {
  const { config } = await modulePromise;
  const values = locals(config);
  const roots = values.source_roots;
  const pattern = new RegExp(values.build_output_pattern);
  assert.match(expr(values.source_excludes), /local\.build_output_pattern/);

  const allFiles = [];
  const list = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        list(full);
      } else if (entry.isFile()) {
        allFiles.push(path.relative(REPO_ROOT, full).split(path.sep).join('/'));
      }
    }
  };
  list(REPO_ROOT);
  const excludes = new Set([
    ...allFiles.map((file) => file.split('/')[0]).filter((top) => !roots.includes(top)),
    ...allFiles.filter((file) => pattern.test(file)).map((file) => pattern.exec(file)[1]),
  ]);

  const included = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(REPO_ROOT, full).split(path.sep).join('/');
      if (excludes.has(relative)) {
        continue;
      }
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile()) {
        included.push(relative);
      }
    }
  };
  walk(REPO_ROOT);

  for (const required of ['Directory.Build.props', 'Directory.Packages.props', 'global.json', '.editorconfig', 'shared/Directory.Build.props', ...['Model', 'Signing', 'Registry', 'Policy', 'Verification', 'GoogleCloud', 'Hosting', 'Pipeline'].map((layer) => `shared/${layer}/ImageTrust.${layer}.csproj`)]) {
    assert.ok(included.includes(required), `${required} is not in the archive`);
  }
  for (const name of ['PushVerifier', 'OccurrenceHandler', 'Reverifier']) {
    assert.ok(included.includes(`functions/${name}/${name}.csproj`), `functions/${name}/${name}.csproj is not in the archive`);
  }
  const leaked = included.filter((file) => !roots.some((root) => file === root || file.startsWith(`${root}/`)) || /(^|\/)(bin|obj|node_modules)\//.test(file));
  assert.deepEqual(leaked, []);
  assert.ok(excludes.size < 200, `the exclude list has ${excludes.size} entries; it should name folders, not files`);
  assert.equal(pattern.exec('functions/PushVerifier/bin/Release/net10.0/x.dll')[1], 'functions/PushVerifier/bin');
  assert.equal(pattern.exec('shared/obj/project.assets.json')[1], 'shared/obj');
  assert.equal(pattern.exec('shared/Registry/binary/x.cs'), null);
});

// Issue 15: the sweep's work topic, its push subscription back to the Reverifier with dead-lettering, the publisher grant,
// and the composite index on exactly the fields the record store queries (read from the C# that writes them).
test('the sweep fans out through a work topic and its due query has a composite index on the stored field names', async () => {
  const { config } = await modulePromise;
  const one = (type, name) => ((config.resource[type] || {})[name] || [])[0];
  const topic = one('google_pubsub_topic', 'reverify_work');
  assert.equal(expr(topic.name), 'var.reverify_work_topic_name');
  const subscription = one('google_pubsub_subscription', 'reverify_work');
  assert.equal(expr(subscription.topic), 'google_pubsub_topic.reverify_work.id');
  assert.equal(expr(subscription.push_config[0].push_endpoint), 'local.push_endpoints["reverifier"]');
  assert.equal(expr(subscription.dead_letter_policy[0].dead_letter_topic), 'google_pubsub_topic.dead_letter.id');
  const publisher = one('google_pubsub_topic_iam_member', 'reverifier_work_publisher');
  assert.equal(expr(publisher.member), 'google_service_account.function["reverifier"].member');
  assert.equal(expr(publisher.topic), 'google_pubsub_topic.reverify_work.name');
  const environment = locals(config).functions.reverifier.environment;
  assert.equal(expr(environment.IMAGETRUST_REVERIFY_WORK_TOPIC), 'var.reverify_work_topic_name');
  assert.equal(expr(environment.IMAGETRUST_REVERIFY_BATCH), 'tostring(var.reverify_batch)');

  const source = fs.readFileSync(path.join(REPO_ROOT, 'shared/Pipeline/Persistence/ImageRecordDocument.cs'), 'utf8');
  const constant = (name) => source.match(new RegExp(`const string ${name} = "([^"]+)"`))[1];
  const index = one('google_firestore_index', 'due_records');
  assert.equal(index.collection, 'images');
  assert.deepEqual(index.fields.map((f) => [f.field_path, f.order]), [
    [constant('DuePolicyVersionField'), 'ASCENDING'],
    [constant('DueAtField'), 'ASCENDING'],
    ['__name__', 'ASCENDING'],
  ]);
});

// Issue 15: each source project gets a push subscription per source topic (with dead-lettering) in the ImageTrust project,
// and the functions get exactly registry read and occurrence read there.
test('source projects are watched through cross-project push subscriptions with read-only grants', async () => {
  const { config } = await modulePromise;
  const one = (type, name) => ((config.resource[type] || {})[name] || [])[0];
  const subscription = one('google_pubsub_subscription', 'source_project');
  assert.equal(expr(subscription.for_each), 'local.source_project_subscriptions');
  assert.equal(expr(subscription.project), 'var.project_id');
  assert.equal(expr(subscription.topic), 'each.value.topic');
  assert.equal(expr(subscription.dead_letter_policy[0].dead_letter_topic), 'google_pubsub_topic.dead_letter.id');
  assert.equal(expr(subscription.push_config[0].oidc_token[0].service_account_email), 'google_service_account.trigger.email');
  const values = locals(config);
  assert.match(expr(values.source_project_subscriptions), /projects\/\$\{pair\[0\]\}\/topics\/\$\{local\.source_topic_names\[pair\[1\]\]\}/);
  const grants = Object.entries(config.resource.google_project_iam_member)
    .filter(([, blocks]) => expr(blocks[0].project) === 'each.value.project')
    .map(([name, blocks]) => [name, blocks[0].role]);
  assert.deepEqual(grants.sort(), [
    ['source_project_occurrences_viewer', 'roles/containeranalysis.occurrences.viewer'],
    ['source_project_registry_reader', 'roles/artifactregistry.reader'],
  ]);
  const deadLetter = one('google_pubsub_subscription_iam_member', 'source_project_dead_letter_subscriber');
  assert.equal(expr(deadLetter.for_each), 'google_pubsub_subscription.source_project');
  assert.equal(expr(deadLetter.member), 'local.pubsub_service_agent');
});

// Confirm by subscription: with the default topic names every function gets these pairs (the check outboxConfirmations pins
// the expression; this evaluates it as Terraform does, for_each keys in lexical order), and each id is one the parser takes.
test('IMAGETRUST_OUTBOX_CONFIRMATIONS pairs each event topic with its confirmation subscription', async () => {
  const { config } = await modulePromise;
  const topicName = (reference) => {
    const topic = config.resource.google_pubsub_topic[/^google_pubsub_topic\.([a-z_]+)\.name$/.exec(expr(reference))[1]][0];
    return config.variable[/^var\.([a-z_]+)$/.exec(expr(topic.name))[1]][0].default;
  };
  const topics = Object.fromEntries(Object.entries(locals(config).output_topic_names).map(([key, reference]) => [key, topicName(reference)]));
  const subscription = config.resource.google_pubsub_subscription.outbox_confirm[0];
  const pairs = Object.keys(topics).sort().map((key) => `${topics[key]}=${subscription.name.split('${each.value}').join(topics[key])}`);
  assert.equal(pairs.join(','), 'imagetrust-alerts=imagetrust-alerts-outbox-confirm,imagetrust-quarantine=imagetrust-quarantine-outbox-confirm');
  for (const pair of pairs) {
    assert.match(pair, /^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}=[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$/);
  }
});

// The variable's name is the one the functions read (ImageEventTopics.ConfirmationsVariable).
test('IMAGETRUST_OUTBOX_CONFIRMATIONS is the variable the C# reads', async () => {
  const { config } = await modulePromise;
  const key = /\{\s*([A-Z_]+)\s*=/.exec(expr(locals(config).outbox_confirmation_environment))[1];
  const source = fs.readFileSync(path.join(REPO_ROOT, 'shared/Pipeline/Persistence/ImageEventTopics.cs'), 'utf8');
  const constant = /const string ConfirmationsVariable = "([^"]+)"/.exec(source);
  assert.ok(constant, 'shared/Pipeline/Persistence/ImageEventTopics.cs declares no ConfirmationsVariable');
  assert.equal(key, constant[1]);
});
