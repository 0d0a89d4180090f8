'use strict';
// Structural checks of the imagetrust module. Each check returns a list of problems (empty = pass), so the
// same functions serve the tests, the negative tests on broken copies, and scripts/check-terraform.

const { resource, allResources, locals, nested, expr } = require('./hcl');

const REQUIRED_SERVICES = [
  'artifactregistry.googleapis.com',
  'containeranalysis.googleapis.com',
  'containerscanning.googleapis.com',
  'pubsub.googleapis.com',
  'firestore.googleapis.com',
  'cloudfunctions.googleapis.com',
  'run.googleapis.com',
  'eventarc.googleapis.com',
  'cloudbuild.googleapis.com',
  'cloudscheduler.googleapis.com',
  'iam.googleapis.com',
  'secretmanager.googleapis.com',
];

const FUNCTIONS = {
  push_verifier: { projectDir: 'functions/PushVerifier', entryPoint: 'PushVerifier', topic: 'local.source_topic_ids.gcr' },
  occurrence_handler: { projectDir: 'functions/OccurrenceHandler', entryPoint: 'OccurrenceHandler', topic: 'local.source_topic_ids.occurrences' },
  reverifier: { projectDir: 'functions/Reverifier', entryPoint: 'Reverifier', topic: 'google_pubsub_topic.reverify.id' },
};

const FUNCTION_ENVIRONMENT = [
  'GOOGLE_CLOUD_PROJECT',
  'IMAGETRUST_POLICY',
  'IMAGETRUST_ALERTS_TOPIC',
  'IMAGETRUST_QUARANTINE_TOPIC',
  'IMAGETRUST_FIRESTORE_DATABASE',
];

const REQUIRED_VARIABLES_WITH_VALIDATION = [
  'project_id',
  'region',
  'labels',
  'quarantine_topic_name',
  'alerts_topic_name',
  'reverify_topic_name',
  'dead_letter_topic_name',
  'policy_file',
  'function_runtime',
  'function_memory',
  'max_instance_count',
  'max_instance_request_concurrency',
  'max_delivery_attempts',
  'firestore_database',
  'deployment',
  'function_images',
  'min_instance_count',
  'scheduler_region',
  'policy_kms_key_versions',
  'source_retention_days',
];

const REQUIRED_OUTPUTS = [
  'topics',
  'security_subscriptions',
  'trigger_subscriptions',
  'dead_letter_subscription',
  'function_names',
  'function_urls',
  'service_account_emails',
  'deployment',
];

const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

// Roles that may be granted at project level because the resource they act on has no IAM policy of its own
// (occurrences, log writing), or is only known at run time (any repository), or is narrowed by a condition (the
// ImageTrust database; the gcf-v2-sources bucket, which does not exist before the first deploy).
const PROJECT_LEVEL_ROLES = new Set([
  'roles/artifactregistry.reader',
  'roles/containeranalysis.occurrences.viewer',
  'roles/containeranalysis.occurrences.editor',
  'roles/datastore.user',
  'roles/logging.logWriter',
  'roles/storage.objectViewer',
]);

// Project-level roles that are only acceptable with an IAM condition narrowing them to one resource.
const CONDITIONED_PROJECT_ROLES = new Set(['roles/datastore.user', 'roles/storage.objectViewer']);

// Every role the module grants, by resource type that grants it.
const ALLOWED_ROLES = {
  google_project_iam_member: PROJECT_LEVEL_ROLES,
  google_artifact_registry_repository_iam_member: new Set(['roles/artifactregistry.reader', 'roles/artifactregistry.writer']),
  google_pubsub_topic_iam_member: new Set(['roles/pubsub.publisher']),
  google_pubsub_subscription_iam_member: new Set(['roles/pubsub.subscriber']),
  google_secret_manager_secret_iam_member: new Set(['roles/secretmanager.secretAccessor']),
  google_cloud_run_v2_service_iam_member: new Set(['roles/run.invoker']),
  google_service_account_iam_member: new Set(['roles/iam.serviceAccountTokenCreator']),
  google_storage_bucket_iam_member: new Set(['roles/storage.objectViewer']),
  google_kms_crypto_key_iam_member: new Set(['roles/cloudkms.publicKeyViewer', 'roles/cloudkms.signer']),
  google_container_analysis_note_iam_member: new Set(['roles/containeranalysis.notes.attacher', 'roles/containeranalysis.notes.occurrences.viewer']),
};

const PUBSUB_AGENT = /^serviceAccount:service-\$\{data\.google_project\.project\.number\}@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

function iamResources(config) {
  return allResources(config).filter(({ type }) => /_iam_(member|binding|policy)$/.test(type));
}

function safe(check) {
  return (module) => {
    try {
      return check(module);
    } catch (error) {
      return [error.message];
    }
  };
}

const checks = {
  services: safe(({ config }) => {
    const problems = [];
    const service = resource(config, 'google_project_service', 'service');
    if (!/local\.services/.test(expr(service.for_each))) {
      problems.push('google_project_service.service must iterate over local.services');
    }
    if (service.disable_on_destroy !== false) {
      problems.push('google_project_service.service must set disable_on_destroy = false (other workloads may use the APIs)');
    }
    const values = locals(config);
    const listed = values.base_services || [];
    for (const name of REQUIRED_SERVICES) {
      if (!listed.includes(name)) {
        problems.push(`service ${name} is not enabled`);
      }
    }
    if (!/concat\(local\.base_services, length\(var\.policy_kms_key_versions\) > 0 \? \["cloudkms\.googleapis\.com"\] : \[\], local\.attestor_services, local\.monitoring_services\)/.test(expr(values.services) || '')) {
      problems.push('cloudkms.googleapis.com must be enabled when policy_kms_key_versions lists keys (gcpkms:// keys are read through it)');
    }
    return problems;
  }),

  firestore: safe(({ config }) => {
    const problems = [];
    const database = resource(config, 'google_firestore_database', 'imagetrust');
    if (database.type !== 'FIRESTORE_NATIVE') {
      problems.push('the Firestore database must be FIRESTORE_NATIVE');
    }
    if (expr(database.name) !== 'var.firestore_database') {
      problems.push('the Firestore database name must come from var.firestore_database');
    }
    if (!/var\.firestore_deletion_protection/.test(expr(database.delete_protection_state) || '')) {
      problems.push('delete_protection_state must be driven by var.firestore_deletion_protection');
    }
    const environment = locals(config).function_environment || {};
    if (expr(environment.IMAGETRUST_FIRESTORE_DATABASE) !== 'var.firestore_database') {
      problems.push('IMAGETRUST_FIRESTORE_DATABASE must pass var.firestore_database to the functions');
    }
    return problems;
  }),

  topics: safe(({ config }) => {
    const problems = [];
    for (const [name, variable] of [['quarantine', 'quarantine_topic_name'], ['alerts', 'alerts_topic_name'], ['reverify', 'reverify_topic_name'], ['dead_letter', 'dead_letter_topic_name']]) {
      const topic = resource(config, 'google_pubsub_topic', name);
      if (expr(topic.name) !== `var.${variable}`) {
        problems.push(`google_pubsub_topic.${name} must be named by var.${variable}`);
      }
    }
    const values = locals(config);
    const names = values.source_topic_names || {};
    if (names.gcr !== 'gcr' || names.occurrences !== 'container-analysis-occurrences-v1') {
      problems.push("local.source_topic_names must map gcr = \"gcr\" and occurrences = \"container-analysis-occurrences-v1\"");
    }
    const create = values.create_source_topic || {};
    if (expr(create.gcr) !== 'var.create_gcr_topic' || expr(create.occurrences) !== 'var.create_occurrences_topic') {
      problems.push('local.create_source_topic must take gcr from var.create_gcr_topic and occurrences from var.create_occurrences_topic');
    }
    const variable = (name) => ((config.variable || {})[name] || [{}])[0];
    // Artifact Registry's documentation: "To receive notifications, you must create a topic named gcr"; Artifact
    // Analysis creates container-analysis-occurrences-v1 itself when its API is enabled.
    if (variable('create_gcr_topic').default !== true) {
      problems.push('var.create_gcr_topic must default to true: Artifact Registry publishes to gcr only when the user has created it');
    }
    if (variable('create_occurrences_topic').default !== false) {
      problems.push('var.create_occurrences_topic must default to false: Artifact Analysis creates container-analysis-occurrences-v1');
    }
    if (!/ if local\.create_source_topic\[key\] \}$/.test(expr(values.created_source_topics) || '') || !/ if !local\.create_source_topic\[key\] \}$/.test(expr(values.referenced_source_topics) || '')) {
      problems.push('local.created_source_topics and local.referenced_source_topics must split the source topics by local.create_source_topic');
    }
    const source = resource(config, 'google_pubsub_topic', 'source');
    if (expr(source.for_each) !== 'local.created_source_topics') {
      problems.push('google_pubsub_topic.source must create exactly local.created_source_topics');
    }
    const lookup = (((config.data || {}).google_pubsub_topic || {}).source || [])[0];
    if (!lookup || expr(lookup.for_each) !== 'local.referenced_source_topics' || expr(lookup.name) !== 'each.value') {
      problems.push('every source topic the module does not create must be looked up (data.google_pubsub_topic.source over local.referenced_source_topics), so a missing one stops the plan');
    } else if (!(lookup.depends_on || []).some((item) => expr(item) === 'time_sleep.api_propagation')) {
      problems.push('data.google_pubsub_topic.source must wait for time_sleep.api_propagation (the occurrences topic appears after the API is enabled)');
    }
    const ids = expr(values.source_topic_ids) || '';
    if (!/for key, topic in google_pubsub_topic\.source : key => topic\.id/.test(ids) || !/for key, topic in data\.google_pubsub_topic\.source : key => topic\.id/.test(ids)) {
      problems.push('local.source_topic_ids must come from the created topics and the looked-up ones');
    }
    return problems;
  }),

  securitySubscriptions: safe(({ config }) => {
    const problems = [];
    for (const [name, topic] of [['security_alerts', 'alerts'], ['security_quarantine', 'quarantine']]) {
      const subscription = resource(config, 'google_pubsub_subscription', name);
      if (expr(subscription.topic) !== `google_pubsub_topic.${topic}.id`) {
        problems.push(`google_pubsub_subscription.${name} must read the ${topic} topic`);
      }
      if (subscription.push_config) {
        problems.push(`google_pubsub_subscription.${name} must be a pull subscription`);
      }
      if (subscription.filter === undefined) {
        problems.push(`google_pubsub_subscription.${name} must take a filter variable`);
      }
    }
    const filter = (config.variable.alerts_subscription_filter || [{}])[0].default || '';
    if (!/attributes\.severity = "CRITICAL"/.test(filter)) {
      problems.push('the alerts subscription filter example must filter on attributes.severity = "CRITICAL"');
    }
    return problems;
  }),

  functions: safe(({ config }) => {
    const problems = [];
    const values = locals(config);
    const definitions = values.functions || {};
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    if (expr(function_.for_each) !== 'local.deploy_functions ? local.functions : {}') {
      problems.push('google_cloudfunctions2_function.function must iterate over local.functions when deployment = "functions"');
    }
    if (expr(values.deploy_functions) !== 'var.deployment == "functions"' || expr(values.deploy_cloud_run) !== 'var.deployment == "cloud_run"') {
      problems.push('local.deploy_functions and local.deploy_cloud_run must follow var.deployment');
    }
    for (const [key, expected] of Object.entries(FUNCTIONS)) {
      const definition = definitions[key];
      if (!definition) {
        problems.push(`local.functions.${key} is missing`);
        continue;
      }
      if (definition.project_dir !== expected.projectDir) {
        problems.push(`local.functions.${key}.project_dir must be ${expected.projectDir}`);
      }
      if (definition.entry_point !== expected.entryPoint) {
        problems.push(`local.functions.${key}.entry_point must be ${expected.entryPoint}`);
      }
      if (expr(definition.topic_id) !== expected.topic) {
        problems.push(`local.functions.${key}.topic_id must be ${expected.topic}`);
      }
    }
    if (Object.keys(definitions).length !== 3) {
      problems.push('local.functions must define exactly the three functions');
    }

    const build = nested(function_, 'build_config') || {};
    if (expr(build.runtime) !== 'var.function_runtime') {
      problems.push('build_config.runtime must be var.function_runtime');
    }
    if ((config.variable.function_runtime || [{}])[0].default !== 'dotnet10') {
      problems.push('var.function_runtime must default to dotnet10');
    }
    const buildEnvironment = expr(build.environment_variables) || '';
    if (!/\{ GOOGLE_BUILDABLE = each\.value\.project_dir \}/.test(buildEnvironment)) {
      problems.push('build_config must set GOOGLE_BUILDABLE to the function project');
    }
    if (expr(build.entry_point) !== 'each.value.entry_point') {
      problems.push('build_config.entry_point must be the function name');
    }
    const storage = nested(nested(build, 'source'), 'storage_source') || {};
    if (expr(storage.object) !== 'google_storage_bucket_object.source[0].name') {
      problems.push('the functions must build from the uploaded source archive object');
    }
    const object = resource(config, 'google_storage_bucket_object', 'source');
    if (!/data\.archive_file\.source\[0\]\.output_(sha256|md5|base64sha256)/.test(object.name)) {
      problems.push('the source object name must contain the archive hash (content-addressed, idempotent)');
    }
    if (expr(object.source) !== 'data.archive_file.source[0].output_path') {
      problems.push('the source object must upload data.archive_file.source');
    }

    const service = nested(function_, 'service_config') || {};
    for (const field of ['max_instance_count', 'max_instance_request_concurrency', 'available_memory', 'timeout_seconds']) {
      if (service[field] === undefined) {
        problems.push(`service_config.${field} must be set`);
      }
    }
    if (expr(service.min_instance_count) !== 'var.min_instance_count') {
      problems.push('service_config.min_instance_count must be var.min_instance_count');
    }
    if (expr(service.service_account_email) !== 'google_service_account.function[each.key].email') {
      problems.push('each function must run as its own service account');
    }
    if (!/^merge\(local\.function_environment, local\.attestor_environment, local\.outbox_confirmation_environment, each\.value\.environment\b/.test(expr(service.environment_variables) || '')) {
      problems.push('service_config.environment_variables must merge local.function_environment');
    }
    const environment = values.function_environment || {};
    for (const name of FUNCTION_ENVIRONMENT) {
      if (environment[name] === undefined) {
        problems.push(`the functions must receive ${name}`);
      }
    }
    const reverifierEnvironment = (definitions.reverifier || {}).environment || {};
    if (expr(reverifierEnvironment.IMAGETRUST_REVERIFY_MAX_AGE) !== 'var.reverify_max_age') {
      problems.push('the Reverifier must receive IMAGETRUST_REVERIFY_MAX_AGE');
    }
    return problems;
  }),

  // The .NET buildpack runs `dotnet restore` and then `dotnet publish --no-restore ... $GOOGLE_BUILD_ARGS`
  // (GoogleCloudPlatform/buildpacks pkg/dotnet/dotnet.go): a runtime identifier in GOOGLE_BUILD_ARGS would reach the
  // publish only (NETSDK1047). MSBuild reads environment variables as properties in both commands.
  readyToRun: safe(({ config }) => {
    const problems = [];
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    const build = nested(function_, 'build_config') || {};
    const environment = expr(build.environment_variables) || '';
    if (!/local\.ready_to_run_environment/.test(environment)) {
      problems.push('build_config.environment_variables must include local.ready_to_run_environment');
    }
    if (/GOOGLE_BUILD_ARGS/.test(JSON.stringify(function_))) {
      problems.push('ReadyToRun must not go through GOOGLE_BUILD_ARGS: the buildpack appends it to `dotnet publish --no-restore` only, and the publish fails with NETSDK1047');
    }
    const readyToRun = expr(locals(config).ready_to_run_environment) || '';
    if (readyToRun !== 'var.function_ready_to_run ? { PublishReadyToRun = "true", RuntimeIdentifier = "linux-x64" } : {}') {
      problems.push('local.ready_to_run_environment must set PublishReadyToRun = "true" and RuntimeIdentifier = "linux-x64" when var.function_ready_to_run');
    }
    if (((config.variable || {}).function_ready_to_run || [{}])[0].default !== true) {
      problems.push('var.function_ready_to_run must default to true');
    }
    return problems;
  }),

  cloudRun: safe(({ config }) => {
    const problems = [];
    const service = resource(config, 'google_cloud_run_v2_service', 'function');
    if (expr(service.for_each) !== 'local.deploy_cloud_run ? local.functions : {}') {
      problems.push('google_cloud_run_v2_service.function must iterate over local.functions when deployment = "cloud_run"');
    }
    if (expr(service.name) !== 'each.value.name') {
      problems.push('each Cloud Run service must carry its function\'s name (the deterministic push URL depends on it)');
    }
    if (expr(service.ingress) !== 'local.cloud_run_ingress[var.ingress_settings]') {
      problems.push('the Cloud Run ingress must be var.ingress_settings in Cloud Run\'s terms (local.cloud_run_ingress)');
    }
    const template = nested(service, 'template') || {};
    const scaling = nested(template, 'scaling') || {};
    const container = nested(template, 'containers') || {};
    const limits = (nested(container, 'resources') || {}).limits || {};
    const expected = [
      [template.service_account, 'google_service_account.function[each.key].email', 'template.service_account must be the function\'s own service account'],
      [template.max_instance_request_concurrency, 'var.max_instance_request_concurrency', 'template.max_instance_request_concurrency must be var.max_instance_request_concurrency'],
      [scaling.min_instance_count, 'var.min_instance_count', 'scaling.min_instance_count must be var.min_instance_count'],
      [scaling.max_instance_count, 'var.max_instance_count', 'scaling.max_instance_count must be var.max_instance_count'],
      [limits.cpu, 'var.function_cpu', 'the CPU limit must be var.function_cpu'],
      [limits.memory, 'var.function_memory', 'the memory limit must be var.function_memory'],
      [container.image, 'var.function_images[each.key]', 'each service must run var.function_images[each.key]'],
    ];
    for (const [value, wanted, message] of expected) {
      if (expr(value) !== wanted) {
        problems.push(message);
      }
    }
    const env = ((container.dynamic || {}).env || [])[0] || {};
    const forEach = expr(env.for_each) || '';
    if (!/^merge\(local\.function_environment, local\.attestor_environment, local\.outbox_confirmation_environment, each\.value\.environment, local\.push_token_environment\[each\.key\], \{ FUNCTION_TARGET = each\.value\.entry_point \}\)$/.test(forEach)) {
      problems.push('each service must receive local.function_environment, its own environment, the push token settings and FUNCTION_TARGET = its entry point');
    }
    const mount = nested(container, 'volume_mounts') || {};
    const volume = nested(template, 'volumes') || {};
    const secret = nested(volume, 'secret') || {};
    const items = nested(secret, 'items') || {};
    if (expr(mount.mount_path) !== 'local.policy_mount_dir' || expr(secret.secret) !== 'google_secret_manager_secret.policy.secret_id'
      || expr(items.version) !== 'google_secret_manager_secret_version.policy.version' || expr(items.path) !== 'local.policy_mount_file'
      || expr(mount.name) !== expr(volume.name)) {
      problems.push('each service must mount the policy secret version at local.policy_mount_dir/local.policy_mount_file');
    }
    const images = ((config.variable || {}).function_images || [{}])[0];
    const validation = JSON.stringify(images.validation || []);
    if (!/@sha256:\[0-9a-f\]\{64\}/.test(validation)) {
      problems.push('var.function_images must only accept images pinned by digest (what was signed is what runs)');
    }
    if (!/var\.deployment != \\"cloud_run\\"/.test(validation)) {
      problems.push('var.function_images must be required (all three functions) when deployment = "cloud_run"');
    }
    const delivery = JSON.stringify(((config.variable || {}).delivery || [{}])[0].validation || []);
    if (!/var\.deployment == \\"functions\\"/.test(delivery)) {
      problems.push('delivery = "eventarc" must be refused unless deployment = "functions"');
    }
    return problems;
  }),

  sourceArchive: safe(({ config }) => {
    const problems = [];
    const archive = (config.data.archive_file || {}).source;
    if (!archive) {
      return ['data.archive_file.source is missing'];
    }
    const block = archive[0];
    if (block.type !== 'zip' || expr(block.excludes) !== 'local.source_excludes') {
      problems.push('data.archive_file.source must zip local.source_dir minus local.source_excludes');
    }
    const roots = locals(config).source_roots || [];
    for (const required of ['functions', 'shared', 'Directory.Build.props', 'Directory.Packages.props', 'global.json', '.editorconfig']) {
      if (!roots.includes(required)) {
        problems.push(`the source archive must include ${required}`);
      }
    }
    for (const forbidden of ['tests', 'terraform', 'scripts', '.git']) {
      if (roots.includes(forbidden)) {
        problems.push(`the source archive must not include ${forbidden}`);
      }
    }
    return problems;
  }),

  policy: safe(({ config }) => {
    const problems = [];
    const version = resource(config, 'google_secret_manager_secret_version', 'policy');
    if (version.secret_data !== undefined) {
      problems.push('the policy must not be passed as secret_data, which Terraform stores in state: use the write-only secret_data_wo');
    }
    if (expr(version.secret_data_wo) !== 'file(var.policy_file)') {
      problems.push('the policy secret version must hold file(var.policy_file) as secret_data_wo');
    }
    if (!/sha256\(file\(var\.policy_file\)\)/.test(expr(version.secret_data_wo_version) || '')) {
      problems.push('secret_data_wo_version must change with the policy content (derived from sha256(file(var.policy_file)))');
    }
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    const volume = nested(nested(function_, 'service_config'), 'secret_volumes') || {};
    if (expr(volume.secret) !== 'google_secret_manager_secret.policy.secret_id') {
      problems.push('the functions must mount the policy secret');
    }
    const mountedVersion = nested(volume, 'versions') || {};
    const values = locals(config);
    const mountedAt = `${values.policy_mount_dir}/${values.policy_mount_file}`;
    const environment = values.function_environment || {};
    if (environment.IMAGETRUST_POLICY !== '${local.policy_mount_dir}/${local.policy_mount_file}' || expr(volume.mount_path) !== 'local.policy_mount_dir' || expr(mountedVersion.path) !== 'local.policy_mount_file') {
      problems.push(`IMAGETRUST_POLICY must point at the mounted policy file (${mountedAt})`);
    }
    return problems;
  }),

  kmsPolicyKeys: safe(({ config }) => {
    const problems = [];
    const viewer = resource(config, 'google_kms_crypto_key_iam_member', 'function_policy_key_viewer');
    if (viewer.role !== 'roles/cloudkms.publicKeyViewer' || expr(viewer.for_each) !== 'local.function_kms_key_pairs'
      || expr(viewer.member) !== 'google_service_account.function[each.value.function].member' || expr(viewer.crypto_key_id) !== 'each.value.key') {
      problems.push('each function account must get roles/cloudkms.publicKeyViewer on each key of var.policy_kms_key_versions');
    }
    const condition = nested(viewer, 'condition') || {};
    if (!/for version in local\.policy_kms_keys\[each\.value\.key\] : "resource\.name == \\"\$\{version\}\\""/.test(expr(condition.expression) || '')) {
      problems.push('the publicKeyViewer grant must be conditioned on exactly the listed key versions');
    }
    const keys = expr(locals(config).policy_kms_keys) || '';
    if (!/for version in var\.policy_kms_key_versions : regex\("\^\(\.\+\)\/cryptoKeyVersions\/\[0-9\]\+\$", version\)\[0\] => version\.\.\./.test(keys)) {
      problems.push('local.policy_kms_keys must group var.policy_kms_key_versions by crypto key');
    }
    const check = (((config.check || {}).policy_kms_keys_granted) || [])[0];
    const assertion = check && nested(check, 'assert');
    if (!assertion || !/setsubtract\(local\.policy_kms_references, var\.policy_kms_key_versions\)/.test(assertion.condition || '')) {
      problems.push('a check must warn when policy_file names a gcpkms:// key that policy_kms_key_versions does not list');
    }
    return problems;
  }),

  delivery: safe(({ config }) => {
    const problems = [];
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    const dynamic = ((function_.dynamic || {}).event_trigger || [])[0];
    const trigger = dynamic ? nested(dynamic, 'content') : nested(function_, 'event_trigger');
    if (!trigger) {
      problems.push('the functions must declare an Eventarc event_trigger for delivery = "eventarc"');
    } else {
      if (trigger.retry_policy !== 'RETRY_POLICY_RETRY') {
        problems.push('event_trigger.retry_policy must be RETRY_POLICY_RETRY');
      }
      if (trigger.event_type !== 'google.cloud.pubsub.topic.v1.messagePublished') {
        problems.push('event_trigger must fire on Pub/Sub messages');
      }
      if (expr(trigger.service_account_email) !== 'google_service_account.trigger.email') {
        problems.push('event_trigger must use the trigger service account');
      }
    }

    const subscription = resource(config, 'google_pubsub_subscription', 'trigger');
    if (!/local\.functions/.test(expr(subscription.for_each) || '')) {
      problems.push('there must be one trigger subscription per function');
    }
    if (expr(subscription.topic) !== 'each.value.topic_id') {
      problems.push('each trigger subscription must read its function\'s topic');
    }
    const push = nested(subscription, 'push_config') || {};
    const oidc = nested(push, 'oidc_token') || {};
    const endpoints = expr(locals(config).push_endpoints) || '';
    const urls = expr(locals(config).service_urls) || '';
    if (expr(push.push_endpoint) !== 'local.push_endpoints[each.key]' || expr(oidc.audience) !== 'local.push_endpoints[each.key]'
      || !/for key, url in local\.service_urls :/.test(endpoints)
      || !/for key, function in google_cloudfunctions2_function\.function : key => function\.service_config\[0\]\.uri/.test(urls)
      || !/for key, service in google_cloud_run_v2_service\.function : key => service\.uri/.test(urls)) {
      problems.push('trigger subscriptions must push to the function URL (the function\'s or the Cloud Run service\'s), with that URL as the token audience');
    }
    if (expr(oidc.service_account_email) !== 'google_service_account.trigger.email') {
      problems.push('trigger subscriptions must authenticate with the trigger service account (OIDC)');
    }
    const tokenEnvironment = expr(locals(config).push_token_environment) || '';
    if (!/var\.verify_push_tokens \? \{ IMAGETRUST_PUSH_AUDIENCE = url, IMAGETRUST_PUSH_SERVICE_ACCOUNT = google_service_account\.trigger\.email \} : \{\}/.test(tokenEnvironment)) {
      problems.push('with verify_push_tokens the functions must receive IMAGETRUST_PUSH_AUDIENCE and IMAGETRUST_PUSH_SERVICE_ACCOUNT (the trigger account)');
    }
    const retry = nested(subscription, 'retry_policy') || {};
    if (!retry.minimum_backoff || !retry.maximum_backoff) {
      problems.push('trigger subscriptions must set a retry_policy with backoff');
    }
    const deadLetter = nested(subscription, 'dead_letter_policy') || {};
    if (expr(deadLetter.dead_letter_topic) !== 'google_pubsub_topic.dead_letter.id') {
      problems.push('trigger subscriptions must dead-letter to google_pubsub_topic.dead_letter');
    }
    if (expr(deadLetter.max_delivery_attempts) !== 'var.max_delivery_attempts') {
      problems.push('dead_letter_policy.max_delivery_attempts must be var.max_delivery_attempts');
    }
    const expiration = nested(subscription, 'expiration_policy') || {};
    if (expiration.ttl !== '') {
      problems.push('trigger subscriptions must never expire (expiration_policy.ttl = "")');
    }
    const ack = expr(locals(config).ack_deadline_seconds) || '';
    if (expr(subscription.ack_deadline_seconds) !== 'local.ack_deadline_seconds' || !/var\.function_timeout_seconds/.test(ack)) {
      problems.push('the trigger ack deadline must be derived from the function timeout');
    }
    return problems;
  }),

  deadLetterIam: safe(({ config }) => {
    const problems = [];
    const agent = locals(config).pubsub_service_agent || '';
    if (!PUBSUB_AGENT.test(agent)) {
      problems.push('local.pubsub_service_agent must be service-PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com');
    }
    const publisher = resource(config, 'google_pubsub_topic_iam_member', 'dead_letter_publisher');
    if (publisher.role !== 'roles/pubsub.publisher' || expr(publisher.member) !== 'local.pubsub_service_agent' || expr(publisher.topic) !== 'google_pubsub_topic.dead_letter.name') {
      problems.push('the Pub/Sub service agent must be publisher on the dead-letter topic');
    }
    const subscriber = resource(config, 'google_pubsub_subscription_iam_member', 'trigger_dead_letter_subscriber');
    if (subscriber.role !== 'roles/pubsub.subscriber' || expr(subscriber.member) !== 'local.pubsub_service_agent' || expr(subscriber.for_each) !== 'google_pubsub_subscription.trigger') {
      problems.push('the Pub/Sub service agent must be subscriber on every trigger subscription');
    }
    // The agent is created lazily; a binding that names it first fails with "Service account ... does not exist".
    const identity = resource(config, 'google_project_service_identity', 'pubsub');
    if (identity.service !== 'pubsub.googleapis.com' || expr(identity.provider) !== 'google-beta') {
      problems.push('the Pub/Sub service agent must be created first (google_project_service_identity, google-beta provider)');
    }
    const wait = resource(config, 'time_sleep', 'api_propagation');
    if (!(wait.depends_on || []).some((item) => expr(item) === 'google_project_service_identity.pubsub')) {
      problems.push('time_sleep.api_propagation must wait for the Pub/Sub service agent');
    }
    const token = resource(config, 'google_service_account_iam_member', 'pubsub_token_creator');
    for (const [label, block] of [['dead_letter_publisher', publisher], ['trigger_dead_letter_subscriber', subscriber], ['pubsub_token_creator', token]]) {
      if (!(block.depends_on || []).some((item) => expr(item) === 'time_sleep.api_propagation')) {
        problems.push(`${label} names the Pub/Sub service agent and must depend on time_sleep.api_propagation`);
      }
    }
    return problems;
  }),

  serviceAccounts: safe(({ config }) => {
    const problems = [];
    const accounts = resource(config, 'google_service_account', 'function');
    if (expr(accounts.for_each) !== 'local.functions') {
      problems.push('there must be one service account per function');
    }
    const ids = Object.values(locals(config).functions || {}).map((definition) => definition.account_id);
    if (new Set(ids).size !== ids.length || ids.length !== 3) {
      problems.push('the three functions must have distinct service account IDs');
    }
    resource(config, 'google_service_account', 'trigger');
    const invoker = resource(config, 'google_cloud_run_v2_service_iam_member', 'trigger_invoker');
    if (invoker.role !== 'roles/run.invoker' || expr(invoker.member) !== 'google_service_account.trigger.member' || expr(invoker.for_each) !== 'local.functions') {
      problems.push('the trigger service account must have run.invoker on each function\'s service');
    }
    const names = expr(locals(config).service_names) || '';
    if (expr(invoker.name) !== 'local.service_names[each.key]' || !/google_cloudfunctions2_function\.function : key => function\.name/.test(names)
      || !/google_cloud_run_v2_service\.function : key => service\.name/.test(names)) {
      problems.push('run.invoker must be bound on the function\'s own service (the function\'s or the Cloud Run service)');
    }
    return problems;
  }),

  iam: safe(({ config }) => {
    const problems = [];
    for (const { type, name, block } of iamResources(config)) {
      const label = `${type}.${name}`;
      if (/_iam_(binding|policy)$/.test(type)) {
        problems.push(`${label}: authoritative IAM resources would remove other principals' access; use _iam_member`);
        continue;
      }
      const role = block.role;
      if (BASIC_ROLES.includes(role)) {
        problems.push(`${label}: basic role ${role} is forbidden`);
        continue;
      }
      const allowed = ALLOWED_ROLES[type];
      if (!allowed) {
        problems.push(`${label}: IAM on ${type} is not expected`);
      } else if (!allowed.has(role)) {
        problems.push(`${label}: role ${role} is not allowed on ${type}`);
      }
      if (/^\$\{/.test(role || '')) {
        problems.push(`${label}: the role must be a literal so it can be reviewed`);
      }
      if (type === 'google_project_iam_member' && CONDITIONED_PROJECT_ROLES.has(role) && !(nested(block, 'condition') || {}).expression) {
        problems.push(`${label}: ${role} at project level needs an IAM condition naming its one resource`);
      }
    }
    const buildBindings = iamResources(config).filter(({ block }) => /google_service_account\.build/.test(expr(block.member) || ''));
    for (const { type, name } of buildBindings) {
      if (type === 'google_storage_bucket_iam_member') {
        problems.push(`${type}.${name}: the build reads the copy in gcf-v2-sources-NUMBER-REGION, not the module's bucket; a grant there is unused`);
      }
    }
    const sourceReader = ((((config.resource || {}).google_project_iam_member || {}).build_source_reader) || [{}])[0];
    const readerCondition = expr((nested(sourceReader, 'condition') || {}).expression) || '';
    if (sourceReader.role !== 'roles/storage.objectViewer' || !/projects\/_\/buckets\/\$\{local\.gcf_sources_bucket\}/.test(readerCondition)
      || locals(config).gcf_sources_bucket !== 'gcf-v2-sources-${data.google_project.project.number}-${var.region}') {
      problems.push('the build account needs roles/storage.objectViewer on gcf-v2-sources-PROJECT_NUMBER-REGION (project-level, conditioned on that bucket)');
    }
    const registryReader = resource(config, 'google_project_iam_member', 'function_registry_reader');
    if (!/length\(var\.watched_repositories\) == 0/.test(expr(registryReader.for_each) || '')) {
      problems.push('project-wide artifactregistry.reader must apply only when no repositories are named');
    }
    const datastore = resource(config, 'google_project_iam_member', 'function_datastore_user');
    const condition = nested(datastore, 'condition') || {};
    if (!/local\.firestore_database_name/.test(condition.expression || '')) {
      problems.push('datastore.user must be conditioned on the ImageTrust database');
    }
    const publisher = resource(config, 'google_pubsub_topic_iam_member', 'function_publisher');
    const topics = locals(config).output_topic_names || {};
    if (expr(publisher.for_each) !== 'local.function_topic_pairs' || Object.keys(topics).sort().join(',') !== 'alerts,quarantine') {
      problems.push('the functions must publish to the alerts and quarantine topics only');
    }
    return problems;
  }),

  // Confirm by subscription: a private pull subscription per event topic, read by the Reverifier's outbox drain alone, and
  // the same topic=subscription pairs in every function's environment. Publishers skip the mark-sent write when the
  // variable is set, so without the subscriptions or the drain's grant their events would be published again.
  outboxConfirmations: safe(({ config }) => {
    const problems = [];
    const variable = ((config.variable || {}).outbox_confirm_by_subscription || [])[0];
    if (!variable || expr(variable.type) !== 'bool' || variable.default !== true) {
      problems.push('var.outbox_confirm_by_subscription must be a bool that defaults to true');
    }
    const values = locals(config);
    const topics = Object.entries(values.output_topic_names || {}).map(([key, value]) => `${key}=${expr(value)}`).sort();
    if (topics.join(',') !== 'alerts=google_pubsub_topic.alerts.name,quarantine=google_pubsub_topic.quarantine.name') {
      problems.push('local.output_topic_names must map exactly the event topics, alerts and quarantine, to their names');
    }
    // The functions refuse pairs whose topics are not the ones IMAGETRUST_ALERTS_TOPIC and IMAGETRUST_QUARANTINE_TOPIC name.
    const eventTopics = values.function_environment || {};
    if (expr(eventTopics.IMAGETRUST_ALERTS_TOPIC) !== expr((values.output_topic_names || {}).alerts) || expr(eventTopics.IMAGETRUST_QUARANTINE_TOPIC) !== expr((values.output_topic_names || {}).quarantine)) {
      problems.push('IMAGETRUST_ALERTS_TOPIC and IMAGETRUST_QUARANTINE_TOPIC must name the topics local.output_topic_names holds (the confirmations are keyed by them)');
    }

    const subscription = resource(config, 'google_pubsub_subscription', 'outbox_confirm');
    if (expr(subscription.for_each) !== 'var.outbox_confirm_by_subscription ? local.output_topic_names : {}' || expr(subscription.topic) !== 'each.value') {
      problems.push('there must be one confirmation subscription on each event topic (local.output_topic_names), with var.outbox_confirm_by_subscription only');
    }
    if (subscription.name !== '${each.value}-outbox-confirm') {
      problems.push('a confirmation subscription must be named TOPIC-outbox-confirm');
    }
    for (const delivery of ['push_config', 'bigquery_config', 'cloud_storage_config']) {
      if (subscription[delivery] !== undefined) {
        problems.push(`confirmation subscriptions must be pull subscriptions (the drain pulls them), not ${delivery}`);
      }
    }
    if (subscription.filter !== undefined) {
      problems.push('confirmation subscriptions must not filter: an event whose confirmation is filtered out is published again');
    }
    if (subscription.ack_deadline_seconds !== 60 || subscription.message_retention_duration !== '86400s' || subscription.retain_acked_messages !== false) {
      problems.push('confirmation subscriptions must set ack_deadline_seconds = 60, message_retention_duration = "86400s" and retain_acked_messages = false');
    }
    if ((nested(subscription, 'expiration_policy') || {}).ttl !== '') {
      problems.push('confirmation subscriptions must never expire (expiration_policy.ttl = ""): a quiet month must not remove them');
    }

    // One value, from the subscriptions themselves, for every function in both deployments, and set nowhere else.
    const environment = (expr(values.outbox_confirmation_environment) || '').replace(/\s+/g, ' ');
    if (environment !== 'var.outbox_confirm_by_subscription ? { IMAGETRUST_OUTBOX_CONFIRMATIONS = join(",", [for key, subscription in google_pubsub_subscription.outbox_confirm : "${local.output_topic_names[key]}=${subscription.name}"]) } : {}') {
      problems.push('local.outbox_confirmation_environment must set IMAGETRUST_OUTBOX_CONFIRMATIONS to TOPIC=SUBSCRIPTION for each confirmation subscription, with var.outbox_confirm_by_subscription only');
    }
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    const service = (nested(nested(resource(config, 'google_cloud_run_v2_service', 'function'), 'template'), 'containers') || {}).dynamic || {};
    for (const [label, value] of [['google_cloudfunctions2_function.function', (nested(function_, 'service_config') || {}).environment_variables], ['google_cloud_run_v2_service.function', ((service.env || [])[0] || {}).for_each]]) {
      if (!/^merge\(.*\blocal\.outbox_confirmation_environment\b/.test(expr(value) || '')) {
        problems.push(`${label} must merge local.outbox_confirmation_environment into every function's environment`);
      }
    }
    const mentions = JSON.stringify([config.locals, config.resource]).match(/IMAGETRUST_OUTBOX_CONFIRMATIONS/g) || [];
    if (mentions.length !== 1) {
      problems.push(`IMAGETRUST_OUTBOX_CONFIRMATIONS must be set in local.outbox_confirmation_environment alone (found ${mentions.length} places): every function must get the same value`);
    }

    // The drain's grant: subscriber on each confirmation subscription, for the Reverifier only; no other function
    // account reads any subscription.
    const reverifier = 'google_service_account.function["reverifier"].member';
    const bindings = allResources(config).filter(({ type }) => type === 'google_pubsub_subscription_iam_member');
    const onConfirmations = bindings.filter(({ block }) => /google_pubsub_subscription\.outbox_confirm\b/.test(JSON.stringify(block)));
    const grant = onConfirmations.find(({ block }) => expr(block.for_each) === 'google_pubsub_subscription.outbox_confirm' && expr(block.subscription) === 'each.value.name'
      && block.role === 'roles/pubsub.subscriber' && expr(block.member) === reverifier);
    if (!grant) {
      problems.push('the Reverifier\'s account must be roles/pubsub.subscriber on each confirmation subscription (for_each = google_pubsub_subscription.outbox_confirm)');
    }
    for (const { name, block } of bindings) {
      const member = expr(block.member) || '';
      const onConfirmation = onConfirmations.some((binding) => binding.name === name);
      if (member !== reverifier && (onConfirmation || /google_service_account\.function\b/.test(member))) {
        problems.push(`google_pubsub_subscription_iam_member.${name}: only the Reverifier's account may read the confirmation subscriptions, and no other function account reads a subscription (${member})`);
      } else if (member === reverifier && (!grant || grant.name !== name)) {
        problems.push(`google_pubsub_subscription_iam_member.${name}: the Reverifier's account reads the confirmation subscriptions and no other subscription`);
      }
    }
    if (grant && !(resource(config, 'time_sleep', 'iam_propagation').depends_on || []).some((item) => expr(item) === `google_pubsub_subscription_iam_member.${grant.name}`)) {
      problems.push('time_sleep.iam_propagation must wait for the Reverifier\'s subscriber grant, so a revision that drains starts with it');
    }
    return problems;
  }),

  iamPropagation: safe(({ config }) => {
    const problems = [];
    const wait = resource(config, 'time_sleep', 'iam_propagation');
    const seconds = /^(\d+)s$/.exec(wait.create_duration || '');
    if (!seconds || Number(seconds[1]) < 60) {
      problems.push('time_sleep.iam_propagation must wait at least 60s (IAM changes take up to a minute to apply)');
    }
    if (expr((wait.triggers || {}).deployment) !== 'var.deployment') {
      problems.push('time_sleep.iam_propagation must wait again when var.deployment changes (new accounts and grants)');
    }
    const waited = (wait.depends_on || []).map(expr);
    for (const grant of ['google_project_iam_member.build_source_reader', 'google_artifact_registry_repository_iam_member.build_writer', 'google_project_iam_member.build_log_writer', 'google_secret_manager_secret_iam_member.function_policy_accessor']) {
      if (!waited.includes(grant)) {
        problems.push(`time_sleep.iam_propagation must wait for ${grant}`);
      }
    }
    for (const [type, name] of [['google_cloudfunctions2_function', 'function'], ['google_cloud_run_v2_service', 'function']]) {
      if (!(resource(config, type, name).depends_on || []).some((item) => expr(item) === 'time_sleep.iam_propagation')) {
        problems.push(`${type}.${name} must depend on time_sleep.iam_propagation`);
      }
    }
    return problems;
  }),

  attestor: safe(({ config }) => {
    const problems = [];
    const key = resource(config, 'google_kms_crypto_key', 'attestor');
    const template = nested(key, 'version_template') || {};
    if (key.purpose !== 'ASYMMETRIC_SIGN' || template.algorithm !== 'EC_SIGN_P256_SHA256') {
      problems.push('the attestor key must be ASYMMETRIC_SIGN with EC_SIGN_P256_SHA256');
    }
    if (!/local\.create_attestor_key/.test(expr(key.count) || '') || !/var\.attestor_kms_key_version == null/.test(expr(locals(config).create_attestor_key) || '')) {
      problems.push('the attestor key is created only when attestor_kms_key_version brings none');
    }
    const attestor = resource(config, 'google_binary_authorization_attestor', 'imagetrust');
    const note = nested(attestor, 'attestation_authority_note') || {};
    const publicKey = nested(note, 'public_keys') || {};
    const pkix = nested(publicKey, 'pkix_public_key') || {};
    if (expr(note.note_reference) !== 'google_container_analysis_note.attestor[0].name') {
      problems.push('the attestor must name the module\'s ATTESTATION note');
    }
    if (expr(publicKey.id) !== '//cloudkms.googleapis.com/v1/${local.attestor_key_version}') {
      problems.push('the attestor public key id must be //cloudkms.googleapis.com/v1/KEY_VERSION, the id ImageTrust signs with');
    }
    if (!/data\.google_kms_crypto_key_version\.attestor\[0\]\.public_key\[0\]\.pem/.test(expr(pkix.public_key_pem) || '')
      || !/data\.google_kms_crypto_key_version\.attestor\[0\]\.public_key\[0\]\.algorithm/.test(expr(pkix.signature_algorithm) || '')) {
      problems.push('the attestor key must be read from the key version with the KMS public-key data source (pem and algorithm)');
    }
    if (!nested(resource(config, 'google_container_analysis_note', 'attestor'), 'attestation_authority')) {
      problems.push('the note must be an ATTESTATION note (attestation_authority)');
    }
    const environment = locals(config).attestor_environment || '';
    if (!/IMAGETRUST_ATTESTATION_NOTE = local\.attestor_note_name/.test(expr(environment) || '') || !/IMAGETRUST_ATTESTATION_KEY += "gcpkms:\/\/\$\{local\.attestor_key_version\}"/.test(expr(environment) || '')) {
      problems.push('the functions must receive IMAGETRUST_ATTESTATION_NOTE and IMAGETRUST_ATTESTATION_KEY when attestor_enabled');
    }
    if (!/binaryauthorization\.googleapis\.com/.test(expr(locals(config).attestor_services) || '') || !/cloudkms\.googleapis\.com/.test(expr(locals(config).attestor_services) || '')) {
      problems.push('binaryauthorization.googleapis.com and cloudkms.googleapis.com must be enabled with the attestor');
    }
    for (const name of ['function_attestor_signer', 'function_attestor_key_viewer']) {
      const grant = resource(config, 'google_kms_crypto_key_iam_member', name);
      if (!/^resource\.name == "\$\{local\.attestor_key_version\}"$/.test(expr((nested(grant, 'condition') || {}).expression) || '')) {
        problems.push(`google_kms_crypto_key_iam_member.${name} must be conditioned on the attestor's key version`);
      }
    }
    for (const name of ['function_note_attacher', 'function_note_occurrences_viewer', 'binauthz_note_viewer']) {
      if (expr(resource(config, 'google_container_analysis_note_iam_member', name).note) !== 'google_container_analysis_note.attestor[0].name') {
        problems.push(`google_container_analysis_note_iam_member.${name} must be on the attestor's note`);
      }
    }
    if (!/delegation_service_account_email/.test(expr(resource(config, 'google_container_analysis_note_iam_member', 'binauthz_note_viewer').member) || '')) {
      problems.push('the attestor\'s service agent must read the note\'s occurrences');
    }
    const policy = resource(config, 'google_binary_authorization_policy', 'policy');
    if (!/var\.binauthz_policy != null/.test(expr(policy.count) || '') || (config.variable.binauthz_policy[0] || {}).default !== null) {
      problems.push('the Binary Authorization policy is a project singleton: off by default (binauthz_policy = null)');
    }
    if ((config.variable.attestor_enabled[0] || {}).default !== false) {
      problems.push('attestor_enabled must default to false');
    }
    return problems;
  }),

  encryption: safe(({ config }) => {
    const problems = [];
    const wantKey = (label, value) => {
      if (expr(value) !== 'var.kms_key_name') {
        problems.push(`${label} must be encrypted with var.kms_key_name`);
      }
    };
    for (const { name, block } of allResources(config).filter(({ type }) => type === 'google_pubsub_topic')) {
      wantKey(`google_pubsub_topic.${name}`, block.kms_key_name);
    }
    wantKey('google_artifact_registry_repository.functions', resource(config, 'google_artifact_registry_repository', 'functions').kms_key_name);
    wantKey('google_cloudfunctions2_function.function', resource(config, 'google_cloudfunctions2_function', 'function').kms_key_name);
    wantKey('google_cloud_run_v2_service.function (template.encryption_key)', (nested(resource(config, 'google_cloud_run_v2_service', 'function'), 'template') || {}).encryption_key);
    const bucketEncryption = (((resource(config, 'google_storage_bucket', 'source').dynamic || {}).encryption) || [])[0] || {};
    if (expr(bucketEncryption.for_each) !== 'var.kms_key_name == null ? [] : [var.kms_key_name]' || expr((nested(bucketEncryption, 'content') || {}).default_kms_key_name) !== 'encryption.value') {
      problems.push('google_storage_bucket.source must be encrypted with var.kms_key_name when it is set');
    }
    const replication = nested(resource(config, 'google_secret_manager_secret', 'policy'), 'replication') || {};
    const userManaged = ((replication.dynamic || {}).user_managed || [])[0] || {};
    const replica = nested(nested(userManaged, 'content'), 'replicas') || {};
    if (expr(userManaged.for_each) !== 'var.kms_key_name == null ? [] : [var.kms_key_name]'
      || expr((nested(replica, 'customer_managed_encryption') || {}).kms_key_name) !== 'user_managed.value' || expr(replica.location) !== 'var.region') {
      problems.push('google_secret_manager_secret.policy must be replicated in var.region and encrypted with var.kms_key_name when it is set');
    }
    return problems;
  }),

  hygiene: safe(({ config }) => {
    const problems = [];
    const bucket = resource(config, 'google_storage_bucket', 'source');
    const rule = nested(bucket, 'lifecycle_rule') || {};
    if ((nested(rule, 'action') || {}).type !== 'Delete' || expr((nested(rule, 'condition') || {}).age) !== 'var.source_retention_days') {
      problems.push('the source bucket must delete archives older than var.source_retention_days');
    }
    for (const name of ['reverify', 'outbox_drain']) {
      const job = resource(config, 'google_cloud_scheduler_job', name);
      if (expr(job.region) !== 'coalesce(var.scheduler_region, var.region)') {
        problems.push(`the scheduler job ${name} must run in var.scheduler_region (default var.region)`);
      }
    }
    return problems;
  }),

  scheduler: safe(({ config }) => {
    const problems = [];
    const job = resource(config, 'google_cloud_scheduler_job', 'reverify');
    const target = nested(job, 'pubsub_target') || {};
    if (expr(target.topic_name) !== 'google_pubsub_topic.reverify.id') {
      problems.push('the scheduler must publish to the reverify topic');
    }
    if (expr(job.schedule) !== 'var.reverify_schedule' || (config.variable.reverify_schedule || [{}])[0].default !== '*/10 * * * *') {
      problems.push('the scheduler must run var.reverify_schedule, every 10 minutes by default');
    }
    // The drain tick: the same topic, marked as a drain (the attribute the Reverifier reads), every minute by default so an
    // event held back by a Pub/Sub outage is out within 2 minutes of its end.
    const drain = resource(config, 'google_cloud_scheduler_job', 'outbox_drain');
    const drainTarget = nested(drain, 'pubsub_target') || {};
    if (expr(drainTarget.topic_name) !== 'google_pubsub_topic.reverify.id') {
      problems.push('the outbox drain job must publish to the reverify topic');
    }
    if ((drainTarget.attributes || {})['imagetrust-work'] !== 'drain-outbox') {
      problems.push('the outbox drain job must mark its ticks imagetrust-work = drain-outbox');
    }
    if (expr(drain.schedule) !== 'var.outbox_drain_schedule' || (config.variable.outbox_drain_schedule || [{}])[0].default !== '* * * * *') {
      problems.push('the outbox drain job must run var.outbox_drain_schedule, every minute by default');
    }
    return problems;
  }),

  variables: safe(({ config }) => {
    const problems = [];
    for (const [name, blocks] of Object.entries(config.variable || {})) {
      const block = blocks[0];
      if (!block.description) {
        problems.push(`variable ${name} needs a description`);
      }
      if (!block.type) {
        problems.push(`variable ${name} needs a type`);
      }
    }
    for (const name of REQUIRED_VARIABLES_WITH_VALIDATION) {
      const block = ((config.variable || {})[name] || [])[0];
      if (!block) {
        problems.push(`variable ${name} is missing`);
      } else if (!block.validation) {
        problems.push(`variable ${name} needs a validation block`);
      }
    }
    return problems;
  }),

  outputs: safe(({ config }) => {
    const problems = [];
    for (const name of REQUIRED_OUTPUTS) {
      const block = ((config.output || {})[name] || [])[0];
      if (!block) {
        problems.push(`output ${name} is missing`);
      } else if (!block.description) {
        problems.push(`output ${name} needs a description`);
      }
    }
    return problems;
  }),

  labels: safe(({ config }) => {
    const labelled = ['google_pubsub_topic', 'google_pubsub_subscription', 'google_cloudfunctions2_function', 'google_cloud_run_v2_service', 'google_storage_bucket', 'google_secret_manager_secret', 'google_artifact_registry_repository'];
    return allResources(config)
      .filter(({ type }) => labelled.includes(type))
      .filter(({ block }) => expr(block.labels) !== 'var.labels')
      .map(({ type, name }) => `${type}.${name} must carry labels = var.labels`);
  }),

  versions: safe(({ config }) => versionProblems(config)),
};

/** Terraform >= 1.11 (write-only arguments) and pinned google, google-beta, time and archive providers. */
function versionProblems(config) {
  const problems = [];
  const terraform = (config.terraform || [])[0] || {};
  const required = /^>= ?(\d+)\.(\d+)/.exec(terraform.required_version || '');
  if (!required || Number(required[1]) < 1 || (Number(required[1]) === 1 && Number(required[2]) < 11)) {
    problems.push('required_version must be ">= 1.11" or later (secret_data_wo is a write-only argument, new in Terraform 1.11)');
  }
  const providers = ((terraform.required_providers || [])[0]) || {};
  for (const [name, source] of [['google', 'hashicorp/google'], ['google-beta', 'hashicorp/google-beta'], ['time', 'hashicorp/time'], ['archive', 'hashicorp/archive']]) {
    const provider = providers[name];
    if (!provider || provider.source !== source) {
      problems.push(`required_providers.${name} must be ${source}`);
    } else if (!/^~> ?\d+\.\d+/.test(provider.version || '')) {
      problems.push(`required_providers.${name} must be pinned with a pessimistic constraint (~> X.Y)`);
    }
  }
  return problems;
}

/** Runs every module check; returns { name: problems[] }. */
function runModuleChecks(module) {
  const results = {};
  for (const [name, check] of Object.entries(checks)) {
    results[name] = check(module);
  }
  return results;
}

module.exports = { checks, runModuleChecks, versionProblems, REQUIRED_OUTPUTS, REQUIRED_SERVICES, BASIC_ROLES };
