'use strict';
// Each check must reject a deliberately broken copy of the real files; otherwise a passing check proves nothing.
// Every mutation asserts that the text it replaces still exists, so a mutation cannot silently go stale.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { MODULE_DIR, TERRAFORM_ROOT, readTexts, loadModuleFromTexts, parseText } = require('./lib/hcl');
const { checks } = require('./lib/checks');
const { fmtProblems, iamCommentProblems } = require('./lib/style');
const { CLOUDBUILD_PATH, loadCloudbuild, runCloudbuildChecks } = require('./lib/cloudbuild');
const { README_PATH, rootProblems, readmeProblems } = require('./lib/root');

const moduleTexts = readTexts(MODULE_DIR);
const rootTexts = readTexts(TERRAFORM_ROOT);

function mutate(texts, file, find, replace) {
  assert.ok(texts[file].includes(find), `mutation target not found in ${file}: ${find}`);
  return { ...texts, [file]: texts[file].replace(find, replace) };
}

function removeBlock(text, startsWith) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim().startsWith(startsWith));
  assert.ok(start >= 0, `block ${startsWith} not found`);
  const indent = lines[start].length - lines[start].trimStart().length;
  const end = lines.findIndex((line, index) => index > start && line === `${' '.repeat(indent)}}`);
  lines.splice(start, end - start + 1);
  return lines.join('\n');
}

const moduleMutations = [
  ['functions.tf', 'retry_policy          = "RETRY_POLICY_RETRY"', 'retry_policy          = "RETRY_POLICY_DO_NOT_RETRY"', 'delivery', /RETRY_POLICY_RETRY/],
  ['functions.tf', 'max_delivery_attempts = var.max_delivery_attempts', 'max_delivery_attempts = 5', 'delivery', /max_delivery_attempts/],
  ['functions.tf', 'dead_letter_topic     = google_pubsub_topic.dead_letter.id', 'dead_letter_topic     = google_pubsub_topic.alerts.id', 'delivery', /dead-letter/],
  ['functions.tf', 'ttl = ""', 'ttl = "2678400s"', 'delivery', /never expire/],
  ['functions.tf', 'service_account_email = google_service_account.trigger.email\n      audience', 'service_account_email = google_service_account.build.email\n      audience', 'delivery', /OIDC/],
  ['functions.tf', 'audience              = local.push_endpoints[each.key]', 'audience              = "https://example.com"', 'delivery', /token audience/],
  ['functions.tf', 'IMAGETRUST_PUSH_SERVICE_ACCOUNT = google_service_account.trigger.email', 'IMAGETRUST_PUSH_SERVICE_ACCOUNT = google_service_account.build.email', 'delivery', /IMAGETRUST_PUSH_SERVICE_ACCOUNT/],
  ['functions.tf', 'service_account_email            = google_service_account.function[each.key].email', 'service_account_email            = google_service_account.trigger.email', 'functions', /own service account/],
  ['functions.tf', 'GOOGLE_BUILDABLE = each.value.project_dir', 'GOOGLE_BUILDABLE = "functions"', 'functions', /GOOGLE_BUILDABLE/],
  ['functions.tf', 'project_dir = "functions/Reverifier"', 'project_dir = "functions/ReVerifier"', 'functions', /functions\/Reverifier/],
  ['functions.tf', '    IMAGETRUST_QUARANTINE_TOPIC   = google_pubsub_topic.quarantine.name\n', '', 'functions', /IMAGETRUST_QUARANTINE_TOPIC/],
  ['functions.tf', 'max_instance_count               = var.max_instance_count\n', '', 'functions', /max_instance_count/],
  ['functions.tf', 'name   = "source/${data.archive_file.source.output_sha256}.zip"', 'name   = "source/latest.zip"', 'functions', /content-addressed/],
  ['functions.tf', '"functions", "shared", ', '"functions", "shared", "tests", ', 'sourceArchive', /must not include tests/],
  ['functions.tf', 'path    = local.policy_mount_file', 'path    = "other.yaml"', 'policy', /IMAGETRUST_POLICY/],
  ['main.tf', 'secret_data = file(var.policy_file)', 'secret_data = "rules: []"', 'policy', /file\(var\.policy_file\)/],
  ['main.tf', '    "containerscanning.googleapis.com",\n', '', 'services', /containerscanning/],
  ['main.tf', 'disable_on_destroy         = false', 'disable_on_destroy         = true', 'services', /disable_on_destroy/],
  ['main.tf', 'type                        = "FIRESTORE_NATIVE"', 'type                        = "DATASTORE_MODE"', 'firestore', /FIRESTORE_NATIVE/],
  ['main.tf', 'for_each = var.create_source_topics ? local.source_topic_names : {}', 'for_each = local.source_topic_names', 'topics', /create_source_topics/],
  ['main.tf', 'topic                      = google_pubsub_topic.alerts.id', 'topic                      = google_pubsub_topic.reverify.id', 'securitySubscriptions', /alerts topic/],
  ['main.tf', 'topic_name = google_pubsub_topic.reverify.id', 'topic_name = google_pubsub_topic.alerts.id', 'scheduler', /reverify topic/],
  ['iam.tf', 'role    = "roles/containeranalysis.occurrences.viewer"', 'role    = "roles/editor"', 'iam', /basic role roles\/editor/],
  ['iam.tf', 'role    = "roles/logging.logWriter"', 'role    = "roles/pubsub.publisher"', 'iam', /roles\/pubsub\.publisher is not allowed on google_project_iam_member/],
  ['iam.tf', 'resource "google_storage_bucket_iam_member" "build_source_reader"', 'resource "google_storage_bucket_iam_binding" "build_source_reader"', 'iam', /authoritative/],
  ['iam.tf', 'expression  = "resource.name == \\"${local.firestore_database_name}\\""', 'expression  = "true"', 'iam', /conditioned/],
  ['iam.tf', 'for_each = length(var.watched_repositories) == 0 ? local.functions : {}', 'for_each = local.functions', 'iam', /no repositories are named/],
  ['iam.tf', 'member  = local.pubsub_service_agent\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', 'member  = google_service_account.trigger.member\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', 'deadLetterIam', /publisher on the dead-letter topic/],
  ['iam.tf', 'for_each = google_pubsub_subscription.trigger', 'for_each = {}', 'deadLetterIam', /subscriber on every trigger subscription/],
  ['iam.tf', 'member   = google_service_account.trigger.member', 'member   = "allUsers"', 'serviceAccounts', /run\.invoker/],
  ['variables.tf', 'default     = "dotnet10"', 'default     = "dotnet8"', 'functions', /dotnet10/],
  ['variables.tf', 'default     = "*/10 * * * *"', 'default     = "0 * * * *"', 'scheduler', /every 10 minutes/],
  ['variables.tf', 'variable "region" {\n  description = "Region of the functions, the source bucket, the build repository and the scheduler job."\n', 'variable "region" {\n', 'variables', /region needs a description/],
  ['outputs.tf', 'output "function_urls" {', 'output "function_endpoints" {', 'outputs', /function_urls is missing/],
  ['main.tf', 'name                       = var.quarantine_topic_name\n  kms_key_name               = var.kms_key_name\n  message_retention_duration = local.event_retention\n  labels                     = var.labels', 'name                       = var.quarantine_topic_name\n  kms_key_name               = var.kms_key_name\n  message_retention_duration = local.event_retention\n  labels                     = {}', 'labels', /google_pubsub_topic\.quarantine must carry labels/],
  ['versions.tf', 'version = "~> 7.0"', 'version = ">= 7.0"', 'versions', /pinned/],
  ['versions.tf', 'required_version = ">= 1.5"', 'required_version = ">= 1.3"', 'versions', /1\.5/],
];

for (const [file, find, replace, check, expected] of moduleMutations) {
  test(`check ${check} rejects: ${file} ${find.split('\n')[0].trim()} -> ${replace.split('\n')[0].trim() || '(removed)'}`, async () => {
    const broken = await loadModuleFromTexts(mutate(moduleTexts, file, find, replace));
    const problems = checks[check](broken);
    assert.ok(problems.some((problem) => expected.test(problem)), `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`);
  });
}

test('check delivery rejects a trigger subscription without a dead-letter policy', async () => {
  const broken = await loadModuleFromTexts({ ...moduleTexts, 'functions.tf': removeBlock(moduleTexts['functions.tf'], 'dead_letter_policy {') });
  assert.ok(checks.delivery(broken).some((problem) => /dead-letter/.test(problem)));
});

test('check delivery rejects functions without an Eventarc trigger', async () => {
  const broken = await loadModuleFromTexts({ ...moduleTexts, 'functions.tf': removeBlock(moduleTexts['functions.tf'], 'dynamic "event_trigger" {') });
  assert.ok(checks.delivery(broken).some((problem) => /event_trigger/.test(problem)));
});

test('the HCL parser rejects a syntax error with its position', async () => {
  const text = moduleTexts['main.tf'].replace('resource "google_pubsub_topic" "alerts" {', 'resource "google_pubsub_topic" "alerts" {{');
  await assert.rejects(parseText('main.tf', text), /main\.tf:\d+/);
});

test('fmt check rejects a misaligned =, a tab, a wrong indent and trailing whitespace', () => {
  const text = moduleTexts['main.tf'];
  assert.ok(fmtProblems('x.tf', text.replace('  name         = var.reverify_topic_name', '  name = var.reverify_topic_name')).some((p) => /align/.test(p)));
  assert.ok(fmtProblems('x.tf', text.replace('  project      = var.project_id\n  name         = var.reverify_topic_name', '\tproject      = var.project_id\n  name         = var.reverify_topic_name')).some((p) => /tab/.test(p)));
  assert.ok(fmtProblems('x.tf', text.replace('    ttl = ""', '   ttl = ""')).some((p) => /indented 3 spaces, expected 4/.test(p)));
  assert.ok(fmtProblems('x.tf', text.replace('  labels       = var.labels\n', '  labels       = var.labels \n')).some((p) => /trailing whitespace/.test(p)));
  assert.ok(fmtProblems('x.tf', text.slice(0, -1)).some((p) => /end with a newline/.test(p)));
  assert.ok(fmtProblems('x.tf', text.replace('attributes = {', 'attributes   = {')).some((p) => /multi-line value/.test(p)));
});

test('IAM comment check rejects a binding without a justification', () => {
  const text = moduleTexts['iam.tf'];
  const broken = text.replace('# The build writes its logs; log writing has no resource-level binding.\n', '');
  assert.notEqual(broken, text);
  assert.deepEqual(iamCommentProblems('iam.tf', text), []);
  assert.ok(iamCommentProblems('iam.tf', broken).some((p) => /build_log_writer/.test(p)));
});

test('root check rejects an unknown argument and a missing required one', async () => {
  const module = await loadModuleFromTexts(moduleTexts);
  const unknown = await loadModuleFromTexts(mutate(rootTexts, 'main.tf', '  labels                           = var.labels\n', '  labels                           = var.labels\n  colour                           = "blue"\n'));
  assert.ok(rootProblems(unknown, module).some((p) => /no variable colour/.test(p)));
  const missing = await loadModuleFromTexts(mutate(rootTexts, 'main.tf', '  policy_file                      = coalesce(var.policy_file, "${path.root}/../shared/Policy/policy.example.yaml")\n', ''));
  assert.ok(rootProblems(missing, module).some((p) => /requires policy_file/.test(p)));
});

test('README check rejects a missing input row', async () => {
  const module = await loadModuleFromTexts(moduleTexts);
  const markdown = fs.readFileSync(README_PATH, 'utf8');
  const broken = markdown.split('\n').filter((line) => !line.startsWith('| `max_delivery_attempts` |')).join('\n');
  assert.notEqual(broken, markdown);
  assert.ok(readmeProblems(module, broken).some((p) => /lacks max_delivery_attempts/.test(p)));
});

const cloudbuildText = fs.readFileSync(CLOUDBUILD_PATH, 'utf8');

function cloudbuildProblems(text) {
  return Object.values(runCloudbuildChecks(loadCloudbuild(text))).flat();
}

function moveStepToEnd(text, id) {
  const build = loadCloudbuild(text).build;
  const index = build.steps.findIndex((step) => step.id === id);
  assert.ok(index >= 0, `step ${id} not found`);
  build.steps.push(...build.steps.splice(index, 1));
  return require('yaml').stringify(build);
}

const cloudbuildMutations = [
  ['sign after deploy', (text) => moveStepToEnd(text, 'sign'), /sign must run before/],
  ['test after deploy', (text) => moveStepToEnd(text, 'test'), /test must run before/],
  ['scan after deploy', (text) => moveStepToEnd(text, 'scan'), /scan must run before/],
  ['unfixed vulnerabilities fail', (text) => text.replace('--ignore-unfixed ', ''), /ignore-unfixed/],
  ['scan never fails', (text) => text.replace('--exit-code 1', '--exit-code 0'), /exit-code 1/],
  ['HIGH not scanned', (text) => text.replace('--severity CRITICAL,HIGH', '--severity CRITICAL'), /CRITICAL and HIGH/],
  ['key-based signing', (text) => text.replace('cosign sign --yes --identity-token /workspace/.ci/oidc-token', 'cosign sign --yes --key cosign.key'), /keyless/],
  ['verify without identity', (text) => text.replace('--certificate-identity "${_SIGNER_IDENTITY}"', '--certificate-identity-regexp ".*"'), /certificate-identity/],
  ['unpinned image', (text) => text.replace('hashicorp/terraform:1.9.8\n    dir: terraform\n    args:\n      - plan', 'hashicorp/terraform:latest\n    dir: terraform\n    args:\n      - plan'), /pinned/],
  ['unescaped shell variable', (text) => text.replace('"functions/$$name"', '"functions/$name"'), /\$name is not a substitution/],
  ['no logging option', (text) => text.replace('  logging: CLOUD_LOGGING_ONLY\n', ''), /options\.logging/],
  ['parallel steps', (text) => text.replace('  - id: scan\n', '  - id: scan\n    waitFor: ["-"]\n'), /waitFor/],
  ['state bucket hard-coded', (text) => text.replace('-backend-config="bucket=${_TF_STATE_BUCKET}"', '-backend-config="bucket=my-state"'), /_TF_STATE_BUCKET/],
  ['region not a substitution', (text) => text.replace('  _REGION: us-central1\n', ''), /_REGION/],
];

for (const [name, apply, expected] of cloudbuildMutations) {
  test(`cloudbuild.yaml check rejects: ${name}`, () => {
    const broken = apply(cloudbuildText);
    assert.notEqual(broken, cloudbuildText, 'the mutation changed nothing');
    const problems = cloudbuildProblems(broken);
    assert.ok(problems.some((problem) => expected.test(problem)), `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`);
  });
}
