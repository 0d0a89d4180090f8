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
  ['functions.tf', 'name   = "source/${data.archive_file.source[0].output_sha256}.zip"', 'name   = "source/latest.zip"', 'functions', /content-addressed/],
  ['functions.tf', 'min_instance_count               = var.min_instance_count', 'min_instance_count               = 0', 'functions', /min_instance_count/],
  ['functions.tf', 'for_each = local.deploy_functions ? local.functions : {}\n\n  project      = var.project_id', 'for_each = local.functions\n\n  project      = var.project_id', 'functions', /deployment = "functions"/],
  ['functions.tf', '"functions", "shared", ', '"functions", "shared", "tests", ', 'sourceArchive', /must not include tests/],
  ['functions.tf', 'path    = local.policy_mount_file', 'path    = "other.yaml"', 'policy', /IMAGETRUST_POLICY/],
  ['main.tf', 'secret_data_wo = file(var.policy_file)', 'secret_data_wo = "rules: []"', 'policy', /file\(var\.policy_file\)/],
  // Undoing item 8 (policy out of state): secret_data is stored in state, secret_data_wo is not.
  ['main.tf', 'secret_data_wo = file(var.policy_file)', 'secret_data = file(var.policy_file)', 'policy', /write-only secret_data_wo/],
  ['main.tf', 'secret_data_wo_version = parseint(substr(sha256(file(var.policy_file)), 0, 12), 16)', 'secret_data_wo_version = 1', 'policy', /change with the policy content/],
  ['main.tf', '    "containerscanning.googleapis.com",\n', '', 'services', /containerscanning/],
  ['main.tf', 'disable_on_destroy         = false', 'disable_on_destroy         = true', 'services', /disable_on_destroy/],
  ['main.tf', 'type                        = "FIRESTORE_NATIVE"', 'type                        = "DATASTORE_MODE"', 'firestore', /FIRESTORE_NATIVE/],
  // Item 3: the gcr topic is created by default, the occurrences topic looked up, and a referenced topic is looked up.
  ['main.tf', 'for_each = local.created_source_topics', 'for_each = local.source_topic_names', 'topics', /exactly local\.created_source_topics/],
  ['variables.tf', 'variable "create_gcr_topic" {\n  description = "Create the \'gcr\' topic Artifact Registry publishes pushes to (its documentation asks you to create it). Set false when it already exists in the project; it is then looked up, and a missing one stops the plan."\n  type        = bool\n  default     = true', 'variable "create_gcr_topic" {\n  description = "Create the \'gcr\' topic Artifact Registry publishes pushes to (its documentation asks you to create it). Set false when it already exists in the project; it is then looked up, and a missing one stops the plan."\n  type        = bool\n  default     = false', 'topics', /create_gcr_topic must default to true/],
  ['main.tf', 'for_each = local.referenced_source_topics\n\n  project = var.project_id\n  name    = each.value', 'for_each = {}\n\n  project = var.project_id\n  name    = each.value', 'topics', /must be looked up/],
  ['main.tf', '  depends_on = [time_sleep.api_propagation]\n}\n\n# Topics ImageTrust owns.', '}\n\n# Topics ImageTrust owns.', 'topics', /time_sleep\.api_propagation/],
  ['main.tf', 'topic                      = google_pubsub_topic.alerts.id', 'topic                      = google_pubsub_topic.reverify.id', 'securitySubscriptions', /alerts topic/],
  ['main.tf', 'topic_name = google_pubsub_topic.reverify.id', 'topic_name = google_pubsub_topic.alerts.id', 'scheduler', /reverify topic/],
  ['iam.tf', 'role    = "roles/containeranalysis.occurrences.viewer"', 'role    = "roles/editor"', 'iam', /basic role roles\/editor/],
  ['iam.tf', 'role    = "roles/logging.logWriter"', 'role    = "roles/pubsub.publisher"', 'iam', /roles\/pubsub\.publisher is not allowed on google_project_iam_member/],
  ['iam.tf', 'resource "google_project_iam_member" "build_log_writer"', 'resource "google_project_iam_binding" "build_log_writer"', 'iam', /authoritative/],
  // Item 1: the build reads gcf-v2-sources-NUMBER-REGION; undoing the fix (a grant on the module's bucket) is refused.
  ['iam.tf', 'resource "google_project_iam_member" "build_source_reader" {\n  count = local.deploy_functions ? 1 : 0\n\n  project = var.project_id\n  role    = "roles/storage.objectViewer"\n  member  = google_service_account.build[0].member\n\n  condition {\n    title       = "gcf-v2-sources-bucket-only"\n    description = "Only the bucket Cloud Functions copies the ImageTrust function sources into."\n    expression  = "resource.name == \\"projects/_/buckets/${local.gcf_sources_bucket}\\" || resource.name.startsWith(\\"projects/_/buckets/${local.gcf_sources_bucket}/\\")"\n  }\n}', 'resource "google_storage_bucket_iam_member" "build_source_reader" {\n  count = local.deploy_functions ? 1 : 0\n\n  bucket = google_storage_bucket.source[0].name\n  role   = "roles/storage.objectViewer"\n  member = google_service_account.build[0].member\n}', 'iam', /gcf-v2-sources/],
  ['iam.tf', 'gcf_sources_bucket = "gcf-v2-sources-${data.google_project.project.number}-${var.region}"', 'gcf_sources_bucket = "gcf-v2-sources-${var.project_id}-${var.region}"', 'iam', /gcf-v2-sources-PROJECT_NUMBER-REGION/],
  ['iam.tf', '  condition {\n    title       = "gcf-v2-sources-bucket-only"\n    description = "Only the bucket Cloud Functions copies the ImageTrust function sources into."\n    expression  = "resource.name == \\"projects/_/buckets/${local.gcf_sources_bucket}\\" || resource.name.startsWith(\\"projects/_/buckets/${local.gcf_sources_bucket}/\\")"\n  }\n', '', 'iam', /needs an IAM condition/],
  // Item 2: IAM propagation and the Pub/Sub service agent.
  ['iam.tf', 'create_duration = "60s"', 'create_duration = "5s"', 'iamPropagation', /at least 60s/],
  ['iam.tf', '  triggers = {\n    deployment = var.deployment\n  }\n', '', 'iamPropagation', /when var\.deployment changes/],
  ['iam.tf', '    google_project_iam_member.build_source_reader,\n    google_artifact_registry_repository_iam_member.build_writer,', '    google_artifact_registry_repository_iam_member.build_writer,', 'iamPropagation', /build_source_reader/],
  ['functions.tf', '  depends_on = [\n    time_sleep.iam_propagation,\n    google_firestore_database.imagetrust,\n  ]', '  depends_on = [\n    google_firestore_database.imagetrust,\n  ]', 'iamPropagation', /google_cloudfunctions2_function\.function must depend on time_sleep\.iam_propagation/],
  ['cloud_run.tf', '  depends_on = [\n    time_sleep.iam_propagation,\n    google_firestore_database.imagetrust,\n  ]', '  depends_on = [\n    google_firestore_database.imagetrust,\n  ]', 'iamPropagation', /google_cloud_run_v2_service\.function must depend on time_sleep\.iam_propagation/],
  ['main.tf', 'depends_on = [google_project_service.service, google_project_service_identity.pubsub]', 'depends_on = [google_project_service.service]', 'deadLetterIam', /wait for the Pub\/Sub service agent/],
  ['main.tf', 'service = "pubsub.googleapis.com"', 'service = "iam.googleapis.com"', 'deadLetterIam', /google_project_service_identity/],
  ['iam.tf', '  member  = local.pubsub_service_agent\n\n  depends_on = [time_sleep.api_propagation]\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', '  member  = local.pubsub_service_agent\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', 'deadLetterIam', /dead_letter_publisher names the Pub\/Sub service agent/],
  // Item 4: gcpkms:// keys of the policy.
  ['iam.tf', 'role          = "roles/cloudkms.publicKeyViewer"', 'role          = "roles/cloudkms.viewer"', 'kmsPolicyKeys', /publicKeyViewer/],
  ['iam.tf', 'expression  = join(" || ", [for version in local.policy_kms_keys[each.value.key] : "resource.name == \\"${version}\\""])', 'expression  = "true"', 'kmsPolicyKeys', /exactly the listed key versions/],
  ['main.tf', 'services = toset(concat(local.base_services, length(var.policy_kms_key_versions) > 0 ? ["cloudkms.googleapis.com"] : [], local.attestor_services, local.monitoring_services))', 'services = toset(local.base_services)', 'services', /cloudkms/],
  ['attestation.tf', 'algorithm        = "EC_SIGN_P256_SHA256"', 'algorithm        = "EC_SIGN_SECP256K1_SHA256"', 'attestor', /EC_SIGN_P256_SHA256/],
  ['attestation.tf', 'purpose  = "ASYMMETRIC_SIGN"', 'purpose  = "ENCRYPT_DECRYPT"', 'attestor', /ASYMMETRIC_SIGN/],
  ['attestation.tf', 'id = "//cloudkms.googleapis.com/v1/${local.attestor_key_version}"', 'id = local.attestor_key_version', 'attestor', /public key id/],
  ['attestation.tf', 'note_reference = google_container_analysis_note.attestor[0].name', 'note_reference = "projects/other/notes/n"', 'attestor', /ATTESTATION note/],
  ['attestation.tf', 'public_key_pem      = data.google_kms_crypto_key_version.attestor[0].public_key[0].pem', 'public_key_pem      = file("key.pem")', 'attestor', /public-key data source/],
  ['attestation.tf', '    IMAGETRUST_ATTESTATION_KEY  = "gcpkms://${local.attestor_key_version}"\n', '', 'attestor', /IMAGETRUST_ATTESTATION_KEY/],
  ['attestation.tf', 'attestor_services = var.attestor_enabled ? ["binaryauthorization.googleapis.com", "cloudkms.googleapis.com"] : []', 'attestor_services = []', 'attestor', /binaryauthorization/],
  ['attestation.tf', 'count = var.attestor_enabled && var.binauthz_policy != null ? 1 : 0', 'count = var.attestor_enabled ? 1 : 0', 'attestor', /off by default/],
  ['iam.tf', 'expression  = "resource.name == \\"${local.attestor_key_version}\\""\n  }\n}\n\n# The signer reads', 'expression  = "true"\n  }\n}\n\n# The signer reads', 'attestor', /conditioned on the attestor's key version/],
  ['iam.tf', 'role          = "roles/cloudkms.signer"', 'role          = "roles/cloudkms.admin"', 'iam', /roles\/cloudkms.admin is not allowed/],
  ['iam.tf', 'role    = "roles/containeranalysis.notes.attacher"', 'role    = "roles/containeranalysis.admin"', 'iam', /roles\/containeranalysis.admin is not allowed/],
  ['iam.tf', 'role    = "roles/containeranalysis.occurrences.editor"', 'role    = "roles/editor"', 'iam', /basic role/],
  // Item 7: encryption of the bucket, the secret and the functions.
  ['functions.tf', '  dynamic "encryption" {\n    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]\n\n    content {\n      default_kms_key_name = encryption.value\n    }\n  }\n\n', '', 'encryption', /google_storage_bucket\.source must be encrypted/],
  ['functions.tf', '  kms_key_name = var.kms_key_name\n\n  build_config {', '\n  build_config {', 'encryption', /google_cloudfunctions2_function\.function must be encrypted/],
  ['cloud_run.tf', '    encryption_key                   = var.kms_key_name\n', '', 'encryption', /template\.encryption_key/],
  ['main.tf', '          customer_managed_encryption {\n            kms_key_name = user_managed.value\n          }\n', '', 'encryption', /google_secret_manager_secret\.policy must be replicated/],
  // Item 8: hygiene.
  ['functions.tf', '      age = var.source_retention_days', '      age = 3650', 'hygiene', /source_retention_days/],
  ['main.tf', 'region      = coalesce(var.scheduler_region, var.region)', 'region      = var.region', 'hygiene', /scheduler_region/],
  // ReadyToRun through the buildpack.
  ['functions.tf', '      local.ready_to_run_environment,\n', '      { GOOGLE_BUILD_ARGS = "-p:PublishReadyToRun=true -r linux-x64" },\n', 'readyToRun', /GOOGLE_BUILD_ARGS/],
  ['functions.tf', 'PublishReadyToRun = "true", RuntimeIdentifier = "linux-x64"', 'PublishReadyToRun = "true"', 'readyToRun', /RuntimeIdentifier/],
  // Cloud Run deployment.
  ['cloud_run.tf', 'image = var.function_images[each.key]', 'image = "us-docker.pkg.dev/p/r/imagetrust:latest"', 'cloudRun', /var\.function_images\[each\.key\]/],
  ['cloud_run.tf', ', { FUNCTION_TARGET = each.value.entry_point })', ')', 'cloudRun', /FUNCTION_TARGET/],
  ['cloud_run.tf', 'max_instance_request_concurrency = var.max_instance_request_concurrency', 'max_instance_request_concurrency = 80', 'cloudRun', /concurrency/],
  ['cloud_run.tf', 'min_instance_count = var.min_instance_count', 'min_instance_count = 1', 'cloudRun', /min_instance_count/],
  ['cloud_run.tf', 'memory = var.function_memory', 'memory = "2Gi"', 'cloudRun', /memory/],
  ['cloud_run.tf', 'path    = local.policy_mount_file', 'path    = "policy.yml"', 'cloudRun', /policy secret/],
  ['cloud_run.tf', 'ingress             = local.cloud_run_ingress[var.ingress_settings]', 'ingress             = "INGRESS_TRAFFIC_ALL"', 'cloudRun', /ingress/],
  ['variables.tf', 'can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", image))', 'can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/:-]+$", image))', 'cloudRun', /pinned by digest/],
  ['variables.tf', '    condition     = var.delivery == "push_subscription" || var.deployment == "functions"\n', '    condition     = true\n', 'cloudRun', /eventarc/],
  ['iam.tf', 'name     = local.service_names[each.key]', 'name     = google_cloudfunctions2_function.function[each.key].name', 'serviceAccounts', /run\.invoker must be bound/],
  ['iam.tf', 'expression  = "resource.name == \\"${local.firestore_database_name}\\""', 'expression  = "true"', 'iam', /conditioned/],
  ['iam.tf', 'for_each = length(var.watched_repositories) == 0 ? local.functions : {}', 'for_each = local.functions', 'iam', /no repositories are named/],
  ['iam.tf', 'member  = local.pubsub_service_agent\n\n  depends_on = [time_sleep.api_propagation]\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', 'member  = google_service_account.trigger.member\n\n  depends_on = [time_sleep.api_propagation]\n}\n\n# Dead-lettering: the Pub/Sub service agent acknowledges', 'deadLetterIam', /publisher on the dead-letter topic/],
  ['iam.tf', 'for_each = google_pubsub_subscription.trigger', 'for_each = {}', 'deadLetterIam', /subscriber on every trigger subscription/],
  ['iam.tf', 'member   = google_service_account.trigger.member', 'member   = "allUsers"', 'serviceAccounts', /run\.invoker/],
  ['variables.tf', 'default     = "dotnet10"', 'default     = "dotnet8"', 'functions', /dotnet10/],
  ['variables.tf', 'default     = "*/10 * * * *"', 'default     = "0 * * * *"', 'scheduler', /every 10 minutes/],
  ['variables.tf', 'default     = "* * * * *"', 'default     = "*/10 * * * *"', 'scheduler', /every minute/],
  ['main.tf', '"imagetrust-work" = "drain-outbox"', '"imagetrust-work" = "reverify-image"', 'scheduler', /drain-outbox/],
  ['main.tf', 'data       = base64encode(jsonencode({ trigger = "outbox-drain" }))\n    attributes = {\n      origin            = "cloud-scheduler"\n      "imagetrust-work" = "drain-outbox"\n    }\n  }', 'data       = base64encode(jsonencode({ trigger = "outbox-drain" }))\n  }', 'scheduler', /drain-outbox/],
  ['variables.tf', 'variable "region" {\n  description = "Region of the functions, the source bucket, the build repository and (unless scheduler_region is set) the scheduler job."\n', 'variable "region" {\n', 'variables', /region needs a description/],
  ['outputs.tf', 'output "function_urls" {', 'output "function_endpoints" {', 'outputs', /function_urls is missing/],
  ['main.tf', 'name                       = var.quarantine_topic_name\n  kms_key_name               = var.kms_key_name\n  message_retention_duration = local.event_retention\n  labels                     = var.labels', 'name                       = var.quarantine_topic_name\n  kms_key_name               = var.kms_key_name\n  message_retention_duration = local.event_retention\n  labels                     = {}', 'labels', /google_pubsub_topic\.quarantine must carry labels/],
  ['versions.tf', 'version = "~> 7.45"\n    }\n    google-beta', 'version = ">= 7.0"\n    }\n    google-beta', 'versions', /pinned/],
  ['versions.tf', '    time = {\n      source  = "hashicorp/time"\n      version = "~> 0.14"\n    }\n', '', 'versions', /required_providers\.time/],
  // Item 8: write-only arguments need Terraform 1.11.
  ['versions.tf', 'required_version = ">= 1.11"', 'required_version = ">= 1.5"', 'versions', /1\.11/],
  // Confirm by subscription: pull subscriptions on both event topics, the same pairs for every function, the Reverifier alone reads them.
  ['variables.tf', 'false marks each event sent in the request instead."\n  type        = bool\n  default     = true', 'false marks each event sent in the request instead."\n  type        = bool\n  default     = false', 'outboxConfirmations', /defaults to true/],
  ['main.tf', '    alerts     = google_pubsub_topic.alerts.name\n', '', 'outboxConfirmations', /exactly the event topics/],
  ['functions.tf', 'IMAGETRUST_ALERTS_TOPIC       = google_pubsub_topic.alerts.name', 'IMAGETRUST_ALERTS_TOPIC       = var.alerts_topic_name', 'outboxConfirmations', /confirmations are keyed by them/],
  ['main.tf', 'for_each = var.outbox_confirm_by_subscription ? local.output_topic_names : {}', 'for_each = var.outbox_confirm_by_subscription ? { quarantine = local.output_topic_names.quarantine } : {}', 'outboxConfirmations', /on each event topic/],
  ['main.tf', 'for_each = var.outbox_confirm_by_subscription ? local.output_topic_names : {}', 'for_each = local.output_topic_names', 'outboxConfirmations', /with var\.outbox_confirm_by_subscription only/],
  ['main.tf', 'name                       = "${each.value}-outbox-confirm"', 'name                       = "${each.value}-confirm"', 'outboxConfirmations', /TOPIC-outbox-confirm/],
  ['main.tf', '  retain_acked_messages      = false\n', '  push_config {\n    push_endpoint = local.push_endpoints["reverifier"]\n  }\n  retain_acked_messages      = false\n', 'outboxConfirmations', /pull subscriptions/],
  ['main.tf', '  retain_acked_messages      = false\n', '  filter                     = "attributes.severity = \\"CRITICAL\\""\n  retain_acked_messages      = false\n', 'outboxConfirmations', /must not filter/],
  ['main.tf', 'message_retention_duration = "86400s"\n  retain_acked_messages      = false\n  labels                     = var.labels\n\n  expiration_policy {\n    ttl = ""', 'message_retention_duration = "86400s"\n  retain_acked_messages      = false\n  labels                     = var.labels\n\n  expiration_policy {\n    ttl = "2678400s"', 'outboxConfirmations', /never expire/],
  ['main.tf', 'retain_acked_messages      = false', 'retain_acked_messages      = true', 'outboxConfirmations', /retain_acked_messages = false/],
  ['functions.tf', '"${local.output_topic_names[key]}=${subscription.name}"])', '"${local.output_topic_names[key]}=${subscription.name}" if key != "alerts"])', 'outboxConfirmations', /TOPIC=SUBSCRIPTION for each confirmation subscription/],
  ['functions.tf', 'outbox_confirmation_environment = var.outbox_confirm_by_subscription ? {', 'outbox_confirmation_environment = true ? {', 'outboxConfirmations', /with var\.outbox_confirm_by_subscription only/],
  ['functions.tf', 'local.attestor_environment, local.outbox_confirmation_environment, each.value.environment', 'local.attestor_environment, each.value.environment', 'outboxConfirmations', /google_cloudfunctions2_function\.function must merge local\.outbox_confirmation_environment/],
  ['cloud_run.tf', 'local.attestor_environment, local.outbox_confirmation_environment, each.value.environment', 'local.attestor_environment, each.value.environment', 'outboxConfirmations', /google_cloud_run_v2_service\.function must merge local\.outbox_confirmation_environment/],
  ['functions.tf', '        IMAGETRUST_REVERIFY_WORK_TOPIC = var.reverify_work_topic_name\n', '        IMAGETRUST_REVERIFY_WORK_TOPIC = var.reverify_work_topic_name\n        IMAGETRUST_OUTBOX_CONFIRMATIONS = "imagetrust-quarantine=imagetrust-quarantine-outbox-confirm"\n', 'outboxConfirmations', /in local\.outbox_confirmation_environment alone/],
  ['iam.tf', 'member       = google_service_account.function["reverifier"].member', 'member       = google_service_account.function["push_verifier"].member', 'outboxConfirmations', /reverifier_outbox_confirm_subscriber: only the Reverifier's account/],
  ['iam.tf', 'role         = "roles/pubsub.subscriber"\n  member       = google_service_account.function["reverifier"].member', 'role         = "roles/pubsub.viewer"\n  member       = google_service_account.function["reverifier"].member', 'outboxConfirmations', /must be roles\/pubsub\.subscriber on each confirmation subscription/],
  ['iam.tf', 'for_each = google_pubsub_subscription.outbox_confirm\n', 'for_each = google_pubsub_subscription.trigger\n', 'outboxConfirmations', /reads the confirmation subscriptions and no other subscription/],
  ['iam.tf', '# The outbox drain pulls', 'resource "google_pubsub_subscription_iam_member" "occurrences_outbox_confirm_subscriber" {\n  for_each = google_pubsub_subscription.outbox_confirm\n\n  project      = var.project_id\n  subscription = each.value.name\n  role         = "roles/pubsub.subscriber"\n  member       = google_service_account.function["occurrence_handler"].member\n}\n\n# The outbox drain pulls', 'outboxConfirmations', /occurrences_outbox_confirm_subscriber: only the Reverifier's account/],
  ['iam.tf', '    google_pubsub_subscription_iam_member.reverifier_outbox_confirm_subscriber,\n', '', 'outboxConfirmations', /iam_propagation must wait for the Reverifier's subscriber grant/],
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

test('check outboxConfirmations rejects a module without the Reverifier\'s subscriber grant or without the confirmation subscriptions', async () => {
  const withoutGrant = await loadModuleFromTexts({ ...moduleTexts, 'iam.tf': removeBlock(moduleTexts['iam.tf'], 'resource "google_pubsub_subscription_iam_member" "reverifier_outbox_confirm_subscriber" {') });
  assert.ok(checks.outboxConfirmations(withoutGrant).some((problem) => /Reverifier's account must be roles\/pubsub\.subscriber/.test(problem)));
  const withoutSubscriptions = await loadModuleFromTexts({ ...moduleTexts, 'main.tf': removeBlock(moduleTexts['main.tf'], 'resource "google_pubsub_subscription" "outbox_confirm" {') });
  assert.ok(checks.outboxConfirmations(withoutSubscriptions).some((problem) => /google_pubsub_subscription\.outbox_confirm is missing/.test(problem)));
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

test('root check rejects an example that does not configure google-beta', async () => {
  const module = await loadModuleFromTexts(moduleTexts);
  const broken = await loadModuleFromTexts(mutate(rootTexts, 'versions.tf', 'provider "google-beta" {\n  project = var.project_id\n  region  = var.region\n}\n', ''));
  assert.ok(rootProblems(broken, module).some((p) => /configure the google-beta provider/.test(p)));
});

const readmeText = fs.readFileSync(README_PATH, 'utf8');
const readmeMutations = [
  // Item 8: Eventarc retries for 24 hours, not for the topic's 7-day retention.
  ['the old Eventarc retry window', 'retries a failing event with exponential backoff for up to 24 hours, then drops it.', 'retries messages until the subscription\'s retention (7 days) expires.', /up to 24 hours/],
  // Item 8: the identities table lists the KMS and build grants.
  ['the KMS grant missing from the identities table', '`roles/cloudkms.publicKeyViewer`', '(KMS)', /roles\/cloudkms\.publicKeyViewer/],
  ['the attestor\'s signing grant missing from the identities table', '`roles/cloudkms.signer`', '(KMS)', /roles\/cloudkms\.signer/],
  ['the note attacher grant missing from the identities table', '`roles/containeranalysis.notes.attacher`', '(note)', /roles\/containeranalysis\.notes\.attacher/],
  ['the build account\'s source grant missing from the identities table', '| build (`imagetrust-build`, functions mode) | `roles/storage.objectViewer` |', '| build (`imagetrust-build`, functions mode) | (storage) |', /roles\/storage\.objectViewer/],
  // Item 3: what to do when gcr already exists.
  ['no word on an existing gcr topic', 'Resource already exists in the project', 'already there', /Resource already exists in the project/],
  ['no list of what only a real project can tell', '## What only a real project can tell', '## Notes', /What only a real project can tell/],
  ['the confirmations variable missing from the functions\' environment', 'IMAGETRUST_OUTBOX_CONFIRMATIONS', 'the confirmations', /IMAGETRUST_OUTBOX_CONFIRMATIONS/],
];

for (const [name, find, replace, expected] of readmeMutations) {
  test(`README check rejects: ${name}`, async () => {
    const module = await loadModuleFromTexts(moduleTexts);
    assert.ok(readmeText.includes(find), `mutation target not found: ${find}`);
    const problems = readmeProblems(module, readmeText.split(find).join(replace));
    assert.ok(problems.some((problem) => expected.test(problem)), `expected a problem matching ${expected}, got ${JSON.stringify(problems)}`);
  });
}

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

function moveStepBefore(text, id, beforeId) {
  const build = loadCloudbuild(text).build;
  const [step] = build.steps.splice(build.steps.findIndex((candidate) => candidate.id === id), 1);
  assert.ok(step, `step ${id} not found`);
  build.steps.splice(build.steps.findIndex((candidate) => candidate.id === beforeId), 0, step);
  return require('yaml').stringify(build);
}

const cloudbuildMutations = [
  ['sign after deploy', (text) => moveStepToEnd(text, 'sign'), /sign must run before/],
  ['test after deploy', (text) => moveStepToEnd(text, 'test'), /test must run before/],
  ['scan after deploy', (text) => moveStepToEnd(text, 'scan'), /scan must run before/],
  // Item 5: push only what was scanned.
  ['push before the scan', (text) => moveStepBefore(text, 'push', 'scan'), /scan must run before push/],
  ['scan of the pushed image', (text) => text.replace('trivy image --input "/workspace/.ci/images/$$key.tar"', 'trivy image --image-src remote "$$image"'), /before anything is pushed/],
  ['build step pushes', (text) => text.replace('          echo "$$key $$image" >> /workspace/.ci/images/list\n', '          echo "$$key $$image" >> /workspace/.ci/images/list\n          docker push "$$image"\n'), /must not push/],
  ['unfixed vulnerabilities fail', (text) => text.replace('--ignore-unfixed ', ''), /ignore-unfixed/],
  ['scan never fails', (text) => text.replace('--exit-code 1', '--exit-code 0'), /exit-code 1/],
  ['HIGH not scanned', (text) => text.replace('--severity CRITICAL,HIGH', '--severity CRITICAL'), /CRITICAL and HIGH/],
  // Item 5: Trivy's secret scanner must not report secrets as vulnerabilities.
  ['every Trivy scanner', (text) => text.replace('--scanners vuln ', ''), /--scanners vuln/],
  ['key-based signing', (text) => text.replace('cosign sign --yes --identity-token /workspace/.ci/cosign/oidc-token', 'cosign sign --yes --key cosign.key'), /keyless/],
  ['verify without identity', (text) => text.replace('--certificate-identity "${_SIGNER_IDENTITY}"', '--certificate-identity-regexp ".*"'), /certificate-identity/],
  // Item 5: the cosign -dev image runs as uid 65532 and reads the token file verbatim.
  ['token with a trailing newline', (text) => text.replace(" | tr -d '\\n' > /workspace/.ci/cosign/oidc-token", ' > /workspace/.ci/cosign/oidc-token'), /trailing newline/],
  ['token readable by root only', (text) => text.replace('        chown -R 65532:65532 /workspace/.ci/cosign\n', ''), /uid 65532/],
  ['cosign without a writable HOME', (text) => text.replace('      - HOME=/workspace/.ci/cosign/home\n      - TUF_ROOT=/workspace/.ci/cosign/tuf\n    args:\n      - -euc\n      - |\n        while read -r key ref; do\n          cosign sign', '    args:\n      - -euc\n      - |\n        while read -r key ref; do\n          cosign sign'), /sign must give cosign a writable HOME and TUF_ROOT/],
  // Item 5: clean up as root, after the last use of the token.
  ['cleanup in the cosign image', (text) => text.replace('  - id: cleanup\n    name: gcr.io/google.com/cloudsdktool/google-cloud-cli:528.0.0-slim', '  - id: cleanup\n    name: gcr.io/projectsigstore/cosign:v2.4.1-dev'), /must run as root/],
  ['no cleanup', (text) => text.replace('rm -rf /workspace/.ci/cosign /workspace/.ci/images/*.tar', 'rm -f /workspace/.ci/images/*.tar'), /cleanup step must remove the credentials/],
  // Item 5: the repository is a prerequisite the first step checks; COMMIT_SHA is empty for gcloud builds submit.
  ['no preflight', (text) => text.replace('gcloud artifacts repositories describe "${_REPOSITORY}"', 'true "${_REPOSITORY}"'), /first step must be the preflight/],
  ['preflight that never stops', (text) => text.replace("          echo \"  gcloud artifacts repositories create ${_REPOSITORY} --repository-format=docker --location=${_REGION} --project=${_PROJECT}\" >&2\n          exit 1", "          echo \"  gcloud artifacts repositories create ${_REPOSITORY} --repository-format=docker --location=${_REGION} --project=${_PROJECT}\" >&2"), /_REPOSITORY repository does not exist/],
  ['revision from COMMIT_SHA only', (text) => text.replace('        [ -n "$$revision" ] || revision="${_REVISION}"\n', ''), /_REVISION when COMMIT_SHA is empty/],
  ['label from COMMIT_SHA', (text) => text.replace('revision="$$(cat /workspace/.ci/revision)"\n        registry=', 'revision="${COMMIT_SHA}"\n        registry='), /revision preflight recorded/],
  ['CLI image built inline', (text) => text.replace('-f shared/Cli/Dockerfile', '-f - /workspace/out/cli'), /shared\/Cli\/Dockerfile/],
  ['a function image missing', (text) => text.replace(' reverifier:Reverifier', ''), /functions\/Dockerfile/],
  ['deploy unverified digests', (text) => text.replace(' > terraform/imagetrust.auto.tfvars.json', ' > /dev/null'), /verified function digests/],
  ['terraform without write-only arguments', (text) => text.split('hashicorp/terraform:1.12.2').join('hashicorp/terraform:1.9.8'), /Terraform 1\.11 or later/],
  ['unpinned image', (text) => text.replace('hashicorp/terraform:1.12.2\n    dir: terraform\n    args:\n      - plan', 'hashicorp/terraform:latest\n    dir: terraform\n    args:\n      - plan'), /pinned/],
  ['unescaped shell variable', (text) => text.replace('--build-arg "FUNCTION=$$function"', '--build-arg "FUNCTION=$function"'), /\$function is not a substitution/],
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
