'use strict';
// Every block of every .tf file against the providers' own schemas (provider-schema/*.json, derived from the providers'
// Go source by provider-schema/derive.js), with broken copies proving each kind of failure is caught.

const test = require('node:test');
const assert = require('node:assert/strict');
const { MODULE_DIR, TERRAFORM_ROOT, readTexts, loadModule, loadModuleFromTexts } = require('./lib/hcl');
const { loadSchemas, moduleSchemaProblems, usedTypes, providerVersionProblems, literalCandidates } = require('./lib/schema');

const schemas = loadSchemas();
const moduleTexts = readTexts(MODULE_DIR);
const rootTexts = readTexts(TERRAFORM_ROOT);

test('each schema fixture names its provider release, commit and source files', () => {
  assert.deepEqual(Object.keys(schemas).sort(), ['archive', 'google', 'google-beta', 'time']);
  for (const [name, fixture] of Object.entries(schemas)) {
    assert.equal(fixture.provider, `hashicorp/${name}`);
    assert.match(fixture.version, /^\d+\.\d+\.\d+$/);
    assert.equal(fixture.tag, `v${fixture.version}`);
    assert.match(fixture.commit, /^[0-9a-f]{40}$/);
    assert.equal(fixture.repository, `https://github.com/hashicorp/terraform-provider-${name}`);
    for (const entry of [...Object.values(fixture.resources), ...Object.values(fixture.dataSources)]) {
      assert.ok(entry.files.length > 0 && entry.files.every((file) => /\.go$/.test(file)), `${name}: every schema names the Go files it came from`);
      assert.ok(Object.keys(entry.block.attributes).length > 0);
    }
  }
  assert.equal(schemas.google.version, '7.45.0');
});

test('the schema fixtures cover every resource and data source of the module and the root example, and nothing else', async () => {
  const used = new Set();
  for (const dir of [MODULE_DIR, TERRAFORM_ROOT]) {
    for (const { kind, type, provider } of usedTypes((await loadModule(dir)).config)) {
      used.add(`${provider} ${kind} ${type}`);
      assert.ok(schemas[provider] && schemas[provider][kind][type], `${provider} ${kind} ${type} has no schema (re-run provider-schema/derive.js)`);
    }
  }
  const fixtures = Object.entries(schemas).flatMap(([provider, fixture]) => ['resources', 'dataSources'].flatMap((kind) => Object.keys(fixture[kind]).map((type) => `${provider} ${kind} ${type}`)));
  assert.deepEqual(fixtures.filter((entry) => !used.has(entry)), [], 'schemas of types no longer used');
  assert.ok(used.size >= 25, `expected the module's resources and data sources, found ${used.size}`);
});

test('the module and the root example match the provider schemas', async () => {
  assert.deepEqual(await moduleSchemaProblems(schemas, await loadModule(MODULE_DIR)), []);
  assert.deepEqual(await moduleSchemaProblems(schemas, await loadModule(TERRAFORM_ROOT)), []);
});

test('the module uses the meta-arguments the walker must handle (so the passing walk above is not vacuous)', () => {
  const text = Object.values(moduleTexts).join('\n');
  for (const pattern of [/^\s+count = /m, /^\s+for_each = /m, /^\s+depends_on = \[/m, /^\s+provider = google-beta$/m, /^\s+lifecycle \{$/m, /^\s+dynamic "[a-z_]+" \{$/m, /^\s+precondition \{$/m, /^check "/m]) {
    assert.match(text, pattern);
  }
});

test('each provider is required with the minor release its schema was derived from', async () => {
  assert.deepEqual(providerVersionProblems(schemas, (await loadModule(MODULE_DIR)).config), []);
  assert.deepEqual(providerVersionProblems(schemas, (await loadModule(TERRAFORM_ROOT)).config), []);
});

function mutate(texts, file, find, replace) {
  assert.ok(texts[file].includes(find), `mutation target not found in ${file}: ${find}`);
  return { ...texts, [file]: texts[file].replace(find, replace) };
}

// [description, texts, file, find, replace, expected problem]
const mutations = [
  // An argument that does not exist.
  ['unknown argument', moduleTexts, 'cloud_run.tf', 'cpu_idle          = true', 'cpu_idel          = true', /google_cloud_run_v2_service\.function\.template\.containers\.resources: unknown argument cpu_idel/],
  ['unknown argument in a data source', moduleTexts, 'main.tf', '  project = var.project_id\n  name    = each.value\n\n  depends_on = [time_sleep.api_propagation]', '  project = var.project_id\n  topic   = each.value\n\n  depends_on = [time_sleep.api_propagation]', /data\.google_pubsub_topic\.source: unknown argument topic/],
  ['unknown argument of a time_sleep', moduleTexts, 'iam.tf', 'create_duration = "60s"', 'create_delay = "60s"', /time_sleep\.iam_propagation: unknown argument create_delay/],
  ['unknown argument in a provider block', rootTexts, 'versions.tf', 'provider "google" {\n  project = var.project_id', 'provider "google" {\n  projekt = var.project_id', /provider\.google: unknown argument projekt/],
  ['unknown argument of a language block', moduleTexts, 'variables.tf', '  type        = number\n  default     = 0\n', '  type        = number\n  defualt     = 0\n', /variable\.min_instance_count: unknown argument defualt/],
  ['unknown argument of a lifecycle block', moduleTexts, 'main.tf', 'create_before_destroy = true', 'create_before_destroyed = true', /lifecycle: unknown argument create_before_destroyed/],
  ['a read-only attribute set', moduleTexts, 'cloud_run.tf', '  deletion_protection = false\n', '  deletion_protection = false\n  uri                 = "https://example.com"\n', /uri is read-only/],
  ['an unknown timeout', moduleTexts, 'main.tf', '  disable_dependent_services = false\n}\n\n# Google creates a service agent', '  disable_dependent_services = false\n\n  timeouts {\n    reticulate = "5m"\n  }\n}\n\n# Google creates a service agent', /google_project_service\.service\.timeouts: reticulate is not a timeout/],
  // A block nested in the wrong place.
  ['block nested in the wrong place', moduleTexts, 'cloud_run.tf', '    scaling {\n      min_instance_count = var.min_instance_count\n      max_instance_count = var.max_instance_count\n    }\n\n    containers {', '    containers {\n      scaling {\n        min_instance_count = var.min_instance_count\n        max_instance_count = var.max_instance_count\n      }\n', /template\.containers: block scaling is nested in the wrong place; the schema has it at template\.scaling/],
  ['dynamic block nested in the wrong place', moduleTexts, 'functions.tf', '  dynamic "event_trigger" {\n    for_each = var.delivery == "eventarc" ? [each.value.topic_id] : []\n\n    content {\n      trigger_region        = var.region', '  dynamic "secret_volumes" {\n    for_each = var.delivery == "eventarc" ? [each.value.topic_id] : []\n\n    content {\n      trigger_region        = var.region', /google_cloudfunctions2_function\.function: block secret_volumes is nested in the wrong place; the schema has it at service_config\.secret_volumes/],
  ['a block written as an argument', moduleTexts, 'functions.tf', '  retry_policy {\n    minimum_backoff = "10s"\n    maximum_backoff = "600s"\n  }', '  retry_policy = {\n    minimum_backoff = "10s"\n    maximum_backoff = "600s"\n  }', /retry_policy is a block \(retry_policy \{ \.\.\. \}\), not an argument/],
  ['an argument written as a block', moduleTexts, 'functions.tf', '  labels                     = var.labels\n\n  push_config {', '  labels {\n    team = "x"\n  }\n\n  push_config {', /labels is an argument \(labels = \.\.\.\), not a block/],
  ['too many blocks', moduleTexts, 'functions.tf', '  expiration_policy {\n    ttl = ""\n  }\n\n  # No delivery', '  expiration_policy {\n    ttl = ""\n  }\n\n  expiration_policy {\n    ttl = ""\n  }\n\n  # No delivery', /at most 1 expiration_policy block/],
  // A missing required argument or block.
  ['missing required argument', moduleTexts, 'main.tf', '  location_id                 = coalesce(var.firestore_location, var.region)\n', '', /google_firestore_database\.imagetrust: the required argument location_id is missing/],
  ['missing required argument in a nested block', moduleTexts, 'cloud_run.tf', '      image = var.function_images[each.key]\n', '', /template\.containers: the required argument image is missing/],
  ['missing required argument of an IAM member', moduleTexts, 'iam.tf', '  crypto_key_id = each.value.key\n', '', /google_kms_crypto_key_iam_member\.function_policy_key_viewer: the required argument crypto_key_id is missing/],
  ['missing required block', moduleTexts, 'cloud_run.tf', '  template {', '  templates {', /the required block template is missing/],
  ['missing required argument of a dynamic block\'s content', moduleTexts, 'main.tf', '        replicas {\n          location = var.region\n', '        replicas {\n', /replication\.user_managed\.replicas: the required argument location is missing/],
  // A literal outside an enum.
  ['literal outside an enum', moduleTexts, 'main.tf', 'type                        = "FIRESTORE_NATIVE"', 'type                        = "FIRESTORE"', /google_firestore_database\.imagetrust\.type: "FIRESTORE" is not one of FIRESTORE_NATIVE, DATASTORE_MODE/],
  ['literal outside an enum in a conditional', moduleTexts, 'main.tf', '"DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"', '"DELETE_PROTECTION_ENABLED" : "DISABLED"', /delete_protection_state: "DISABLED" is not one of/],
  ['literal outside an enum through a local map (Cloud Functions\' ingress name given to Cloud Run)', moduleTexts, 'cloud_run.tf', 'ALLOW_INTERNAL_ONLY     = "INGRESS_TRAFFIC_INTERNAL_ONLY"', 'ALLOW_INTERNAL_ONLY     = "ALLOW_INTERNAL_ONLY"', /google_cloud_run_v2_service\.function\.ingress: "ALLOW_INTERNAL_ONLY" \(from local\.cloud_run_ingress\) is not one of INGRESS_TRAFFIC_ALL/],
  ['literal outside an enum through a variable default', moduleTexts, 'variables.tf', 'default     = "ALLOW_INTERNAL_ONLY"', 'default     = "INTERNAL_ONLY"', /service_config\.ingress_settings: "INTERNAL_ONLY" \(from var\.ingress_settings default\) is not one of/],
  ['literal outside an enum through a variable validation', moduleTexts, 'variables.tf', 'contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress_settings)', 'contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB", "ALLOW_VPC"], var.ingress_settings)', /"ALLOW_VPC" \(from var\.ingress_settings validation\) is not one of/],
  ['literal outside an enum in a nested block', moduleTexts, 'functions.tf', '    action = "KEEP"', '    action = "RETAIN"', /google_artifact_registry_repository\.functions\.cleanup_policies\[0\]\.action: "RETAIN" is not one of DELETE, KEEP/],
];

for (const [description, texts, file, find, replace, expected] of mutations) {
  test(`provider schema check rejects: ${description}`, async () => {
    const broken = await loadModuleFromTexts(mutate(texts, file, find, replace));
    const problems = await moduleSchemaProblems(schemas, broken);
    assert.ok(problems.length > 0 && problems.some((problem) => expected.test(problem)), `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`);
  });
}

test('provider version check rejects a constraint below the schema\'s release and a provider missing from required_providers', async () => {
  const older = await loadModuleFromTexts(mutate(moduleTexts, 'versions.tf', 'version = "~> 7.45"\n    }\n    google-beta', 'version = "~> 7.0"\n    }\n    google-beta'));
  assert.ok(providerVersionProblems(schemas, older.config).some((p) => /google\.version is "~> 7\.0", but the module was checked against google 7\.45\.0/.test(p)));
  const missing = await loadModuleFromTexts(mutate(moduleTexts, 'versions.tf', '    time = {\n      source  = "hashicorp/time"\n      version = "~> 0.14"\n    }\n', ''));
  assert.ok(providerVersionProblems(schemas, missing.config).some((p) => /provider time is used but not listed in required_providers/.test(p)));
});

test('meta-argument blocks are accepted where Terraform accepts them, and only there', async () => {
  const resourceWithProvisioner = mutate(moduleTexts, 'iam.tf', 'resource "time_sleep" "iam_propagation" {\n  create_duration = "60s"\n', 'resource "time_sleep" "iam_propagation" {\n  create_duration = "60s"\n\n  provisioner "local-exec" {\n    command = "true"\n  }\n');
  assert.deepEqual(await moduleSchemaProblems(schemas, await loadModuleFromTexts(resourceWithProvisioner)), []);
  const dataWithProvisioner = mutate(moduleTexts, 'main.tf', '  name    = each.value\n\n  depends_on = [time_sleep.api_propagation]', '  name    = each.value\n\n  provisioner "local-exec" {\n    command = "true"\n  }\n\n  depends_on = [time_sleep.api_propagation]');
  assert.ok((await moduleSchemaProblems(schemas, await loadModuleFromTexts(dataWithProvisioner))).some((p) => /data\.google_pubsub_topic\.source: unknown block provisioner/.test(p)));
});

test('a resource type without a schema is reported, not skipped', async () => {
  const broken = await loadModuleFromTexts(mutate(moduleTexts, 'cloud_run.tf', 'resource "google_cloud_run_v2_service" "function" {', 'resource "google_cloud_run_service" "function" {'));
  assert.ok((await moduleSchemaProblems(schemas, broken)).some((p) => /no schema for resource google_cloud_run_service of provider google/.test(p)));
});

test('literal candidates follow conditionals, variables and local maps, and skip computed values', () => {
  const context = {
    variables: { mode: [{ default: 'A', validation: [{ condition: '${contains(["A", "B"], var.mode)}' }] }] },
    locals: { names: { x: 'P', y: 'Q' }, picked: '${var.mode}' },
  };
  const values = (value) => literalCandidates(value, context).values.map((candidate) => candidate.value);
  assert.deepEqual(values('LITERAL'), ['LITERAL']);
  assert.deepEqual(values('${var.flag ? "ON" : "OFF"}'), ['ON', 'OFF']);
  assert.deepEqual(values('${var.mode}'), ['A', 'A', 'B']);
  assert.deepEqual(values('${local.names[var.key]}'), ['P', 'Q']);
  assert.deepEqual(values('${local.picked}'), ['A', 'A', 'B']);
  assert.deepEqual(values('prefix-${var.mode}'), []);
  assert.deepEqual(values('${var.a ? "x-${var.b}" : "Y"}'), ['Y']);
});
