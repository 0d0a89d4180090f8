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
];

const REQUIRED_OUTPUTS = [
  'topics',
  'security_subscriptions',
  'trigger_subscriptions',
  'dead_letter_subscription',
  'function_names',
  'function_urls',
  'service_account_emails',
];

const BASIC_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'];

// Roles that may be granted at project level because the resource they act on has no IAM policy of its own
// (occurrences, log writing), or is only known at run time (any repository), or is narrowed by a condition.
const PROJECT_LEVEL_ROLES = new Set([
  'roles/artifactregistry.reader',
  'roles/containeranalysis.occurrences.viewer',
  'roles/datastore.user',
  'roles/logging.logWriter',
]);

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
    const listed = expr(locals(config).services) || '';
    for (const name of REQUIRED_SERVICES) {
      if (!listed.includes(`"${name}"`)) {
        problems.push(`service ${name} is not enabled`);
      }
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
    const source = resource(config, 'google_pubsub_topic', 'source');
    if (!/var\.create_source_topics/.test(expr(source.for_each) || '')) {
      problems.push('the gcr and occurrences topics must be created only when var.create_source_topics is true');
    }
    const names = locals(config).source_topic_names || {};
    if (names.gcr !== 'gcr' || names.occurrences !== 'container-analysis-occurrences-v1') {
      problems.push("local.source_topic_names must map gcr = \"gcr\" and occurrences = \"container-analysis-occurrences-v1\"");
    }
    const ids = expr(locals(config).source_topic_ids) || '';
    if (!/var\.create_source_topics \? google_pubsub_topic\.source\[key\]\.id : "projects\/\$\{var\.project_id\}\/topics\/\$\{name\}"/.test(ids)) {
      problems.push('local.source_topic_ids must reference the created topics or the existing ones by name');
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
    const definitions = locals(config).functions || {};
    const function_ = resource(config, 'google_cloudfunctions2_function', 'function');
    if (expr(function_.for_each) !== 'local.functions') {
      problems.push('google_cloudfunctions2_function.function must iterate over local.functions');
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
    if (expr((build.environment_variables || {}).GOOGLE_BUILDABLE) !== 'each.value.project_dir') {
      problems.push('build_config must set GOOGLE_BUILDABLE to the function project');
    }
    if (expr(build.entry_point) !== 'each.value.entry_point') {
      problems.push('build_config.entry_point must be the function name');
    }
    const storage = nested(nested(build, 'source'), 'storage_source') || {};
    if (expr(storage.object) !== 'google_storage_bucket_object.source.name') {
      problems.push('the functions must build from the uploaded source archive object');
    }
    const object = resource(config, 'google_storage_bucket_object', 'source');
    if (!/data\.archive_file\.source\.output_(sha256|md5|base64sha256)/.test(object.name)) {
      problems.push('the source object name must contain the archive hash (content-addressed, idempotent)');
    }
    if (expr(object.source) !== 'data.archive_file.source.output_path') {
      problems.push('the source object must upload data.archive_file.source');
    }

    const service = nested(function_, 'service_config') || {};
    for (const field of ['max_instance_count', 'max_instance_request_concurrency', 'available_memory', 'timeout_seconds']) {
      if (service[field] === undefined) {
        problems.push(`service_config.${field} must be set`);
      }
    }
    if (expr(service.service_account_email) !== 'google_service_account.function[each.key].email') {
      problems.push('each function must run as its own service account');
    }
    if (!/^merge\(local\.function_environment, each\.value\.environment\b/.test(expr(service.environment_variables) || '')) {
      problems.push('service_config.environment_variables must merge local.function_environment');
    }
    const environment = locals(config).function_environment || {};
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
    if (expr(version.secret_data) !== 'file(var.policy_file)') {
      problems.push('the policy secret version must hold file(var.policy_file)');
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
    if (expr(push.push_endpoint) !== 'local.push_endpoints[each.key]' || expr(oidc.audience) !== 'local.push_endpoints[each.key]'
      || !/for key, function in google_cloudfunctions2_function\.function :/.test(endpoints) || !/function\.service_config\[0\]\.uri/.test(endpoints)) {
      problems.push('trigger subscriptions must push to the function URL, with that URL as the token audience');
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
    if (!/google_cloudfunctions2_function\.function\[each\.key\]/.test(invoker.name || '')) {
      problems.push('run.invoker must be bound on the function\'s own service');
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
    const labelled = ['google_pubsub_topic', 'google_pubsub_subscription', 'google_cloudfunctions2_function', 'google_storage_bucket', 'google_secret_manager_secret', 'google_artifact_registry_repository'];
    return allResources(config)
      .filter(({ type }) => labelled.includes(type))
      .filter(({ block }) => expr(block.labels) !== 'var.labels')
      .map(({ type, name }) => `${type}.${name} must carry labels = var.labels`);
  }),

  versions: safe(({ config }) => versionProblems(config)),
};

/** Terraform >= 1.5 and pinned google and archive providers. */
function versionProblems(config) {
  const problems = [];
  const terraform = (config.terraform || [])[0] || {};
  if (!/^>= ?1\.([5-9]|\d\d)/.test(terraform.required_version || '')) {
    problems.push('required_version must be ">= 1.5" or later');
  }
  const providers = ((terraform.required_providers || [])[0]) || {};
  for (const [name, source] of [['google', 'hashicorp/google'], ['archive', 'hashicorp/archive']]) {
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
