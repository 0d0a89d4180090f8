# The three functions: what they are, how they run (deployment = "functions": Cloud Run functions built from the
# source archive by Google's .NET buildpack; deployment = "cloud_run": Cloud Run services from the Native AOT images
# cloudbuild.yaml builds, see cloud_run.tf), and event delivery, which is the same in both modes.

locals {
  functions = {
    push_verifier = {
      name        = "${var.name_prefix}-push-verifier"
      account_id  = "${var.name_prefix}-push"
      entry_point = "PushVerifier"
      project_dir = "functions/PushVerifier"
      topic_id    = local.source_topic_ids.gcr
      retention   = local.event_retention
      description = "Verifies the signatures and policy of images pushed to Artifact Registry (gcr topic)."
      environment = {}
    }
    occurrence_handler = {
      name        = "${var.name_prefix}-occurrence-handler"
      account_id  = "${var.name_prefix}-occurrences"
      entry_point = "OccurrenceHandler"
      project_dir = "functions/OccurrenceHandler"
      topic_id    = local.source_topic_ids.occurrences
      retention   = local.event_retention
      description = "Applies the vulnerability policy when Container Analysis creates or updates an occurrence."
      environment = {}
    }
    reverifier = {
      name        = "${var.name_prefix}-reverifier"
      account_id  = "${var.name_prefix}-reverify"
      entry_point = "Reverifier"
      project_dir = "functions/Reverifier"
      topic_id    = google_pubsub_topic.reverify.id
      # A scheduler tick older than an hour has been superseded by newer ones.
      retention   = "3600s"
      description = "Re-verifies image statuses older than ${var.reverify_max_age} on each scheduler tick."
      environment = {
        IMAGETRUST_REVERIFY_MAX_AGE    = var.reverify_max_age
        IMAGETRUST_REVERIFY_BATCH      = tostring(var.reverify_batch)
        IMAGETRUST_REVERIFY_WORK_TOPIC = var.reverify_work_topic_name
      }
    }
  }

  policy_mount_dir  = "/etc/imagetrust"
  policy_mount_file = "policy.yaml"

  function_environment = {
    GOOGLE_CLOUD_PROJECT          = var.project_id
    IMAGETRUST_POLICY             = "${local.policy_mount_dir}/${local.policy_mount_file}"
    IMAGETRUST_ALERTS_TOPIC       = google_pubsub_topic.alerts.name
    IMAGETRUST_QUARANTINE_TOPIC   = google_pubsub_topic.quarantine.name
    IMAGETRUST_FIRESTORE_DATABASE = var.firestore_database

    # One deadline per image verification, below the request timeout: half of it, the rest is left for the image's first
    # manifest read and the Firestore write. Passing it is a recorded verdict (VERIFICATION_TIMEOUT), not a redelivery.
    IMAGETRUST_VERIFICATION_TIMEOUT = "${max(5, floor(var.function_timeout_seconds / 2))}s"
  }

  # Publishers and the Reverifier's drain must agree, so all three functions get the same topic=subscription pairs (short
  # ids), one per confirmation subscription. Without the variable each event is marked sent in its request.
  outbox_confirmation_environment = var.outbox_confirm_by_subscription ? {
    IMAGETRUST_OUTBOX_CONFIRMATIONS = join(",", [for key, subscription in google_pubsub_subscription.outbox_confirm : "${local.output_topic_names[key]}=${subscription.name}"])
  } : {}

  deploy_functions = var.deployment == "functions"
  deploy_cloud_run = var.deployment == "cloud_run"

  # Cloud Run's deterministic URL is known before the function exists, so with verify_push_tokens the function
  # can be told the audience its push tokens carry (the service's own uri would be a dependency cycle).
  deterministic_urls = {
    for key, definition in local.functions :
    key => "https://${definition.name}-${data.google_project.project.number}.${var.region}.run.app"
  }
  push_token_environment = {
    for key, url in local.deterministic_urls :
    key => var.verify_push_tokens ? { IMAGETRUST_PUSH_AUDIENCE = url, IMAGETRUST_PUSH_SERVICE_ACCOUNT = google_service_account.trigger.email } : {}
  }

  # The Cloud Run service behind each function, whichever mode made it: a function's service is named like the function.
  service_names = merge(
    { for key, function in google_cloudfunctions2_function.function : key => function.name },
    { for key, service in google_cloud_run_v2_service.function : key => service.name },
  )
  service_urls = merge(
    { for key, function in google_cloudfunctions2_function.function : key => function.service_config[0].uri },
    { for key, service in google_cloud_run_v2_service.function : key => service.uri },
  )
  push_endpoints = {
    for key, url in local.service_urls :
    key => var.verify_push_tokens ? local.deterministic_urls[key] : url
  }

  # ReadyToRun for the buildpack build. The .NET buildpack runs `dotnet restore PROJECT`, then `dotnet publish --no-restore
  # ... PROJECT $GOOGLE_BUILD_ARGS` (GoogleCloudPlatform/buildpacks, pkg/dotnet/dotnet.go, Publish): `-r linux-x64
  # -p:PublishReadyToRun=true` in GOOGLE_BUILD_ARGS reaches the publish only, which then fails with NETSDK1047 (the
  # restored assets have no linux-x64 target). Build environment variables reach both commands, and MSBuild reads
  # environment variables as properties, so these two make the restore fetch the ReadyToRun compiler and the publish use it.
  ready_to_run_environment = var.function_ready_to_run ? { PublishReadyToRun = "true", RuntimeIdentifier = "linux-x64" } : {}

  # Pub/Sub waits this long for a push response before it redelivers, so it must outlast the function's timeout.
  ack_deadline_seconds = min(var.function_timeout_seconds + 30, 600)

  # The archive holds exactly what `dotnet publish functions/<Name>` needs. It is an allow-list: every other
  # top-level entry (tests/, terraform/, .git/, ...) and every bin/, obj/ or node_modules/ folder is excluded
  # as a whole, which keeps the exclude list short (the archive provider skips excluded folders).
  source_dir           = coalesce(var.source_dir, "${path.module}/../../..")
  source_roots         = ["functions", "shared", "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"]
  source_files         = fileset(local.source_dir, "**")
  build_output_pattern = "^(.*?(?:^|/)(?:bin|obj|node_modules))/"
  source_excludes = distinct(concat(
    [for file in local.source_files : split("/", file)[0] if !contains(local.source_roots, split("/", file)[0])],
    [for file in local.source_files : regex(local.build_output_pattern, file)[0] if can(regex(local.build_output_pattern, file))],
  ))
}

data "archive_file" "source" {
  count = local.deploy_functions ? 1 : 0

  type                        = "zip"
  source_dir                  = local.source_dir
  excludes                    = local.source_excludes
  exclude_symlink_directories = true
  # A fixed mode keeps the archive hash, and so the function revisions, independent of the checkout's umask.
  output_file_mode = "0644"
  output_path      = "${path.root}/.terraform/imagetrust-source.zip"
}

resource "google_storage_bucket" "source" {
  count = local.deploy_functions ? 1 : 0

  project                     = var.project_id
  name                        = coalesce(var.source_bucket_name, "${var.project_id}-${var.name_prefix}-source")
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  # Cloud Functions copies the archive into its own gcf-v2-sources bucket at each deploy and builds from that copy,
  # so an archive here is only needed until its deploy is done. One that ages out is uploaded again (same name, no
  # rebuild) by the next apply.
  lifecycle_rule {
    condition {
      age = var.source_retention_days
    }

    action {
      type = "Delete"
    }
  }

  dynamic "encryption" {
    for_each = var.kms_key_name == null ? [] : [var.kms_key_name]

    content {
      default_kms_key_name = encryption.value
    }
  }

  depends_on = [google_project_service.service]
}

# Content-addressed: an unchanged checkout re-applies with no change, and a changed one rebuilds every function.
resource "google_storage_bucket_object" "source" {
  count = local.deploy_functions ? 1 : 0

  bucket = google_storage_bucket.source[0].name
  name   = "source/${data.archive_file.source[0].output_sha256}.zip"
  source = data.archive_file.source[0].output_path
}

# The functions' images land here instead of the shared gcf-artifacts repository, so the build identity
# can be granted write access to this repository alone.
resource "google_artifact_registry_repository" "functions" {
  count = local.deploy_functions ? 1 : 0

  project       = var.project_id
  location      = var.region
  repository_id = "${var.name_prefix}-functions"
  format        = "DOCKER"
  description   = "Images built by Cloud Functions for ImageTrust. Keep this repository out of the trust policy's scope."
  kms_key_name  = var.kms_key_name
  labels        = var.labels

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"

    most_recent_versions {
      keep_count = 10
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"

    condition {
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.service]
}

resource "google_cloudfunctions2_function" "function" {
  for_each = local.deploy_functions ? local.functions : {}

  project      = var.project_id
  location     = var.region
  name         = each.value.name
  description  = each.value.description
  labels       = var.labels
  kms_key_name = var.kms_key_name

  build_config {
    runtime           = var.function_runtime
    entry_point       = each.value.entry_point
    service_account   = google_service_account.build[0].id
    docker_repository = google_artifact_registry_repository.functions[0].id
    environment_variables = merge(
      # The buildpack publishes this project; its Main hosts the function (Functions Framework contract).
      { GOOGLE_BUILDABLE = each.value.project_dir },
      local.ready_to_run_environment,
    )

    source {
      storage_source {
        bucket = google_storage_bucket.source[0].name
        object = google_storage_bucket_object.source[0].name
      }
    }
  }

  service_config {
    service_account_email            = google_service_account.function[each.key].email
    available_memory                 = var.function_memory
    available_cpu                    = var.function_cpu
    timeout_seconds                  = var.function_timeout_seconds
    min_instance_count               = var.min_instance_count
    max_instance_count               = var.max_instance_count
    max_instance_request_concurrency = var.max_instance_request_concurrency
    ingress_settings                 = var.ingress_settings
    all_traffic_on_latest_revision   = true
    environment_variables            = merge(local.function_environment, local.attestor_environment, local.outbox_confirmation_environment, each.value.environment, local.push_token_environment[each.key])

    secret_volumes {
      mount_path = local.policy_mount_dir
      project_id = var.project_id
      secret     = google_secret_manager_secret.policy.secret_id

      versions {
        version = google_secret_manager_secret_version.policy.version
        path    = local.policy_mount_file
      }
    }
  }

  # delivery = "eventarc": Eventarc makes and owns the subscription, so no dead-letter policy can be set here.
  dynamic "event_trigger" {
    for_each = var.delivery == "eventarc" ? [each.value.topic_id] : []

    content {
      trigger_region        = var.region
      event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
      pubsub_topic          = event_trigger.value
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.trigger.email
    }
  }

  lifecycle {
    precondition {
      condition     = !(var.verify_push_tokens && var.delivery == "eventarc")
      error_message = "verify_push_tokens needs delivery = \"push_subscription\": Eventarc chooses its own token audience."
    }
  }

  # The build account's and the runtime accounts' grants must have propagated before the first build starts.
  depends_on = [
    time_sleep.iam_propagation,
    google_firestore_database.imagetrust,
  ]
}

# delivery = "push_subscription" (default): one push subscription per function, authenticated with the trigger
# identity's OIDC token, with Pub/Sub's exponential backoff and a dead-letter policy; the same in both deployments.
resource "google_pubsub_subscription" "trigger" {
  for_each = var.delivery == "push_subscription" ? local.functions : {}

  project                    = var.project_id
  name                       = "${each.value.name}-trigger"
  topic                      = each.value.topic_id
  ack_deadline_seconds       = local.ack_deadline_seconds
  message_retention_duration = each.value.retention
  labels                     = var.labels

  push_config {
    push_endpoint = local.push_endpoints[each.key]

    oidc_token {
      service_account_email = google_service_account.trigger.email
      audience              = local.push_endpoints[each.key]
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  # Subscriptions expire after 31 idle days by default; a quiet registry must not lose its trigger.
  expiration_policy {
    ttl = ""
  }

  # No delivery before the functions hold every role they use, so the first events are not spent on retries.
  depends_on = [
    google_cloud_run_v2_service_iam_member.trigger_invoker,
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_service_account_iam_member.pubsub_token_creator,
    google_project_iam_member.function_registry_reader,
    google_artifact_registry_repository_iam_member.function_registry_reader,
    google_project_iam_member.function_occurrences_viewer,
    google_project_iam_member.function_datastore_user,
    google_pubsub_topic_iam_member.function_publisher,
    google_kms_crypto_key_iam_member.function_policy_key_viewer,
  ]
}
