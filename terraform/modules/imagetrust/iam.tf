# Identities and IAM. No basic roles; a resource-level binding wherever the resource has an IAM policy.
# Every binding carries a one-line justification.

locals {
  function_topic_pairs = {
    for pair in setproduct(keys(local.functions), keys(local.output_topic_names)) :
    "${pair[0]}/${pair[1]}" => { function = pair[0], topic = pair[1] }
  }
  function_repository_pairs = {
    for pair in setproduct(keys(local.functions), var.watched_repositories) :
    "${pair[0]}/${pair[1].location}/${pair[1].repository}" => { function = pair[0], repository = pair[1] }
  }

  # policy_kms_key_versions grouped by crypto key: IAM is set on a key, and a condition narrows it to the listed versions.
  policy_kms_keys = { for version in var.policy_kms_key_versions : regex("^(.+)/cryptoKeyVersions/[0-9]+$", version)[0] => version... }
  function_kms_key_pairs = {
    for pair in setproduct(keys(local.functions), keys(local.policy_kms_keys)) :
    "${pair[0]}/${pair[1]}" => { function = pair[0], key = pair[1] }
  }

  # Cloud Functions copies the uploaded source into this bucket and Cloud Build reads the copy from there.
  gcf_sources_bucket = "gcf-v2-sources-${data.google_project.project.number}-${var.region}"
}

# One runtime identity per function, so each function's access is audited and can be narrowed on its own.
resource "google_service_account" "function" {
  for_each = local.functions

  project      = var.project_id
  account_id   = each.value.account_id
  display_name = "ImageTrust ${each.value.entry_point}"
  description  = "Runtime identity of the ${each.value.name} function."

  depends_on = [google_project_service.service]
}

# The identity whose OIDC token Pub/Sub (or Eventarc) presents when it invokes a function.
resource "google_service_account" "trigger" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-trigger"
  display_name = "ImageTrust trigger"
  description  = "Invokes the ImageTrust functions on behalf of their Pub/Sub triggers; holds run.invoker only."

  depends_on = [google_project_service.service]
}

# The identity Cloud Build uses to build the functions, instead of the project's default compute account
# (deployment = "functions" only: in cloud_run mode cloudbuild.yaml builds the images).
resource "google_service_account" "build" {
  count = local.deploy_functions ? 1 : 0

  project      = var.project_id
  account_id   = "${var.name_prefix}-build"
  display_name = "ImageTrust function build"
  description  = "Builds the ImageTrust functions from the uploaded source archive."

  depends_on = [google_project_service.service]
}

# Function runtime identities

# Verifying reads manifests, signatures and attestations from every repository in the project (watched_repositories is empty).
resource "google_project_iam_member" "function_registry_reader" {
  for_each = length(var.watched_repositories) == 0 ? local.functions : {}

  project = var.project_id
  role    = "roles/artifactregistry.reader"
  member  = google_service_account.function[each.key].member
}

# Verifying reads manifests, signatures and attestations from the named repositories only.
resource "google_artifact_registry_repository_iam_member" "function_registry_reader" {
  for_each = local.function_repository_pairs

  project    = var.project_id
  location   = each.value.repository.location
  repository = each.value.repository.repository
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.function[each.value.function].member
}

# The vulnerability policy reads occurrences; occurrences have no IAM policy of their own, so this is project-level.
resource "google_project_iam_member" "function_occurrences_viewer" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/containeranalysis.occurrences.viewer"
  member  = google_service_account.function[each.key].member
}

# Image status records live in Firestore; the condition confines the role to the ImageTrust database.
resource "google_project_iam_member" "function_datastore_user" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.function[each.key].member

  condition {
    title       = "imagetrust-database-only"
    description = "Only the Firestore database that holds ImageTrust's status records."
    expression  = "resource.name == \"${local.firestore_database_name}\""
  }
}

# Verdicts are published to the alerts and quarantine topics, and to no other topic.
resource "google_pubsub_topic_iam_member" "function_publisher" {
  for_each = local.function_topic_pairs

  project = var.project_id
  topic   = local.output_topic_names[each.value.topic]
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function[each.value.function].member
}

# The outbox drain pulls the events' confirmations; only the Reverifier drains, so only its account reads them.
resource "google_pubsub_subscription_iam_member" "reverifier_outbox_confirm_subscriber" {
  for_each = google_pubsub_subscription.outbox_confirm

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.function["reverifier"].member
}

# Each function mounts the policy secret at start, and reads no other secret.
resource "google_secret_manager_secret_iam_member" "function_policy_accessor" {
  for_each = local.functions

  project   = var.project_id
  secret_id = google_secret_manager_secret.policy.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.function[each.key].member
}

# gcpkms:// keys of the policy: each function reads the public key of exactly the versions policy_kms_key_versions lists.
resource "google_kms_crypto_key_iam_member" "function_policy_key_viewer" {
  for_each = local.function_kms_key_pairs

  crypto_key_id = each.value.key
  role          = "roles/cloudkms.publicKeyViewer"
  member        = google_service_account.function[each.value.function].member

  condition {
    title       = "policy-key-versions-only"
    description = "Only the key versions the ImageTrust trust policy names."
    expression  = join(" || ", [for version in local.policy_kms_keys[each.value.key] : "resource.name == \"${version}\""])
  }
}

# Attestor (attestor_enabled)

# Attesting signs with the attestor key's one version and no other; the condition names that version.
resource "google_kms_crypto_key_iam_member" "function_attestor_signer" {
  for_each = var.attestor_enabled ? local.functions : {}

  crypto_key_id = local.attestor_crypto_key
  role          = "roles/cloudkms.signer"
  member        = google_service_account.function[each.key].member

  condition {
    title       = "imagetrust-attestor-version"
    description = "Only the attestor's key version."
    expression  = "resource.name == \"${local.attestor_key_version}\""
  }
}

# The signer reads that version's public key once: its algorithm picks the digest, and each signature is checked before use.
resource "google_kms_crypto_key_iam_member" "function_attestor_key_viewer" {
  for_each = var.attestor_enabled ? local.functions : {}

  crypto_key_id = local.attestor_crypto_key
  role          = "roles/cloudkms.publicKeyViewer"
  member        = google_service_account.function[each.key].member

  condition {
    title       = "imagetrust-attestor-version"
    description = "Only the attestor's key version."
    expression  = "resource.name == \"${local.attestor_key_version}\""
  }
}

# Attestation occurrences attach to ImageTrust's note and to no other.
resource "google_container_analysis_note_iam_member" "function_note_attacher" {
  for_each = var.attestor_enabled ? local.functions : {}

  project = var.project_id
  note    = google_container_analysis_note.attestor[0].name
  role    = "roles/containeranalysis.notes.attacher"
  member  = google_service_account.function[each.key].member
}

# Attesting lists the note's occurrences for the image before it creates one; withdrawing lists what it deletes.
resource "google_container_analysis_note_iam_member" "function_note_occurrences_viewer" {
  for_each = var.attestor_enabled ? local.functions : {}

  project = var.project_id
  note    = google_container_analysis_note.attestor[0].name
  role    = "roles/containeranalysis.notes.occurrences.viewer"
  member  = google_service_account.function[each.key].member
}

# Creating and deleting attestation occurrences; occurrences have no IAM policy of their own, so this is project-level.
resource "google_project_iam_member" "function_occurrences_editor" {
  for_each = var.attestor_enabled ? local.functions : {}

  project = var.project_id
  role    = "roles/containeranalysis.occurrences.editor"
  member  = google_service_account.function[each.key].member
}

# At admission Binary Authorization reads the note's attestations as the attestor's own service agent.
resource "google_container_analysis_note_iam_member" "binauthz_note_viewer" {
  count = var.attestor_enabled ? 1 : 0

  project = var.project_id
  note    = google_container_analysis_note.attestor[0].name
  role    = "roles/containeranalysis.notes.occurrences.viewer"
  member  = "serviceAccount:${google_binary_authorization_attestor.imagetrust[0].attestation_authority_note[0].delegation_service_account_email}"
}

# Trigger identity

# Pub/Sub push (or Eventarc) invokes each function's underlying Cloud Run service with the trigger identity's token.
resource "google_cloud_run_v2_service_iam_member" "trigger_invoker" {
  for_each = local.functions

  project  = var.project_id
  location = var.region
  name     = local.service_names[each.key]
  role     = "roles/run.invoker"
  member   = google_service_account.trigger.member
}

# Pub/Sub service agent

# The agent exists once google_project_service_identity.pubsub has run and api_propagation has waited (main.tf).

# Push authentication: the Pub/Sub service agent mints the trigger identity's OIDC tokens (needed in projects created before 2021-04-08).
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.trigger.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent

  depends_on = [time_sleep.api_propagation]
}

# Dead-lettering: the Pub/Sub service agent forwards undeliverable trigger messages to the dead-letter topic.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent

  depends_on = [time_sleep.api_propagation]
}

# Dead-lettering: the Pub/Sub service agent acknowledges a forwarded message on the trigger subscription it came from.
resource "google_pubsub_subscription_iam_member" "trigger_dead_letter_subscriber" {
  for_each = google_pubsub_subscription.trigger

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent

  depends_on = [time_sleep.api_propagation]
}

# Build identity (deployment = "functions")

# The build reads the source from the copy Cloud Functions makes in its own bucket, gcf-v2-sources-NUMBER-REGION, which
# exists only after the first deploy: a project-level grant whose condition names that bucket and its objects.
resource "google_project_iam_member" "build_source_reader" {
  count = local.deploy_functions ? 1 : 0

  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = google_service_account.build[0].member

  condition {
    title       = "gcf-v2-sources-bucket-only"
    description = "Only the bucket Cloud Functions copies the ImageTrust function sources into."
    expression  = "resource.name == \"projects/_/buckets/${local.gcf_sources_bucket}\" || resource.name.startsWith(\"projects/_/buckets/${local.gcf_sources_bucket}/\")"
  }
}

# The build pushes the function images and the buildpack cache to the dedicated repository only.
resource "google_artifact_registry_repository_iam_member" "build_writer" {
  count = local.deploy_functions ? 1 : 0

  project    = var.project_id
  location   = google_artifact_registry_repository.functions[0].location
  repository = google_artifact_registry_repository.functions[0].repository_id
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build[0].member
}

# The build writes its logs; log writing has no resource-level binding.
resource "google_project_iam_member" "build_log_writer" {
  count = local.deploy_functions ? 1 : 0

  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.build[0].member
}

# IAM changes take effect within about a minute; a build or a revision that starts earlier fails on a role its account
# already holds (the provider's own gen2 builder example waits 60 s the same way). Waits on the first apply, and again
# when the deployment changes (switching to functions creates the build account and its grants).
resource "time_sleep" "iam_propagation" {
  create_duration = "60s"

  triggers = {
    deployment = var.deployment
  }

  depends_on = [
    google_project_iam_member.build_source_reader,
    google_artifact_registry_repository_iam_member.build_writer,
    google_project_iam_member.build_log_writer,
    google_secret_manager_secret_iam_member.function_policy_accessor,
    google_pubsub_subscription_iam_member.reverifier_outbox_confirm_subscriber,
  ]
}
