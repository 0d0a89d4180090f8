# ImageTrust: services, storage, topics, subscriptions, the policy secret and the re-verification schedule.
# The functions and their build are in functions.tf; every identity and IAM binding is in iam.tf.

locals {
  base_services = [
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudscheduler.googleapis.com",
    "containeranalysis.googleapis.com",
    "containerscanning.googleapis.com",
    "eventarc.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ]
  # gcpkms:// keys in the policy are read through the Cloud KMS API, which must be on in the functions' project.
  services = toset(concat(local.base_services, length(var.policy_kms_key_versions) > 0 ? ["cloudkms.googleapis.com"] : [], local.attestor_services, local.monitoring_services))

  # Google publishes to these two topics under fixed names. Artifact Registry's documentation asks the user to create
  # gcr; Artifact Analysis creates container-analysis-occurrences-v1 when its API is enabled. A topic the module does
  # not create is looked up (data.google_pubsub_topic.source), so a missing one stops the plan with its name.
  source_topic_names = {
    gcr         = "gcr"
    occurrences = "container-analysis-occurrences-v1"
  }
  create_source_topic = {
    gcr         = var.create_gcr_topic
    occurrences = var.create_occurrences_topic
  }
  created_source_topics    = { for key, name in local.source_topic_names : key => name if local.create_source_topic[key] }
  referenced_source_topics = { for key, name in local.source_topic_names : key => name if !local.create_source_topic[key] }
  source_topic_ids = merge(
    { for key, topic in google_pubsub_topic.source : key => topic.id },
    { for key, topic in data.google_pubsub_topic.source : key => topic.id },
  )

  output_topic_names = {
    alerts     = google_pubsub_topic.alerts.name
    quarantine = google_pubsub_topic.quarantine.name
  }

  firestore_database_name = "projects/${var.project_id}/databases/${var.firestore_database}"
  pubsub_service_agent    = "serviceAccount:service-${data.google_project.project.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # A week of retention lets the security team replay events (subscription seek) after an outage of their consumer.
  event_retention = "604800s"

  # gcpkms:// references in the policy file, to warn when one is missing from policy_kms_key_versions.
  policy_kms_references = toset(flatten(regexall("gcpkms://(projects/[^\\s\"'#]+)", file(var.policy_file))))
}

data "google_project" "project" {
  project_id = var.project_id
}

resource "google_project_service" "service" {
  for_each = var.enable_apis ? local.services : toset([])

  project                    = var.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}

# Google creates a service agent lazily, some time after its API is first used; an IAM binding naming the Pub/Sub agent
# before then fails with "Service account service-NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com does not exist".
# generateServiceIdentity creates it now (google_project_service_identity exists only in the google-beta provider).
resource "google_project_service_identity" "pubsub" {
  provider = google-beta

  project = var.project_id
  service = "pubsub.googleapis.com"

  depends_on = [google_project_service.service]
}

# Enabling an API creates its service agent and its topics (container-analysis-occurrences-v1) asynchronously; the
# lookups and bindings that need them wait this long after the first apply enables the APIs.
resource "time_sleep" "api_propagation" {
  create_duration = "30s"

  depends_on = [google_project_service.service, google_project_service_identity.pubsub]
}

resource "google_firestore_database" "imagetrust" {
  count = var.create_firestore_database ? 1 : 0

  project                     = var.project_id
  name                        = var.firestore_database
  location_id                 = coalesce(var.firestore_location, var.region)
  type                        = "FIRESTORE_NATIVE"
  app_engine_integration_mode = "DISABLED"
  delete_protection_state     = var.firestore_deletion_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  deletion_policy             = var.firestore_deletion_protection ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.service]
}

# The topics Google publishes to (see create_gcr_topic and create_occurrences_topic).

resource "google_pubsub_topic" "source" {
  for_each = local.created_source_topics

  project      = var.project_id
  name         = each.value
  kms_key_name = var.kms_key_name
  labels       = var.labels

  depends_on = [google_project_service.service]
}

# Read at plan time once the APIs are on (during the first apply, after they are enabled): a missing topic fails with
# "Error: projects/PROJECT/topics/NAME not found" before anything subscribes to it.
data "google_pubsub_topic" "source" {
  for_each = local.referenced_source_topics

  project = var.project_id
  name    = each.value

  depends_on = [time_sleep.api_propagation]
}

# Topics ImageTrust owns.

resource "google_pubsub_topic" "quarantine" {
  project                    = var.project_id
  name                       = var.quarantine_topic_name
  kms_key_name               = var.kms_key_name
  message_retention_duration = local.event_retention
  labels                     = var.labels

  depends_on = [google_project_service.service]
}

resource "google_pubsub_topic" "alerts" {
  project                    = var.project_id
  name                       = var.alerts_topic_name
  kms_key_name               = var.kms_key_name
  message_retention_duration = local.event_retention
  labels                     = var.labels

  depends_on = [google_project_service.service]
}

resource "google_pubsub_topic" "reverify" {
  project      = var.project_id
  name         = var.reverify_topic_name
  kms_key_name = var.kms_key_name
  labels       = var.labels

  depends_on = [google_project_service.service]
}

resource "google_pubsub_topic" "dead_letter" {
  project      = var.project_id
  name         = var.dead_letter_topic_name
  kms_key_name = var.kms_key_name
  labels       = var.labels

  depends_on = [google_project_service.service]
}

# Pull subscriptions for people: the security team's feeds and the dead letters.

resource "google_pubsub_subscription" "security_alerts" {
  count = var.create_security_subscriptions ? 1 : 0

  project                    = var.project_id
  name                       = "${var.alerts_topic_name}-security"
  topic                      = google_pubsub_topic.alerts.id
  filter                     = var.alerts_subscription_filter
  ack_deadline_seconds       = 60
  message_retention_duration = local.event_retention
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "security_quarantine" {
  count = var.create_security_subscriptions ? 1 : 0

  project                    = var.project_id
  name                       = "${var.quarantine_topic_name}-security"
  topic                      = google_pubsub_topic.quarantine.id
  filter                     = var.quarantine_subscription_filter
  ack_deadline_seconds       = 60
  message_retention_duration = local.event_retention
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = local.dead_letter_subscription_name
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = local.event_retention
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

# The policy: a Secret Manager secret, mounted as a file into every function.
# Each change of policy_file creates a new version, and the functions roll to a revision that mounts it.

resource "google_secret_manager_secret" "policy" {
  project   = var.project_id
  secret_id = "${var.name_prefix}-policy"
  labels    = var.labels

  # Automatic replication can only use a key in the global location; with kms_key_name (a key in var.region, like
  # the bucket's and the repository's) the secret is replicated in var.region and encrypted with that key.
  replication {
    dynamic "auto" {
      for_each = var.kms_key_name == null ? [1] : []

      content {}
    }

    dynamic "user_managed" {
      for_each = var.kms_key_name == null ? [] : [var.kms_key_name]

      content {
        replicas {
          location = var.region

          customer_managed_encryption {
            kms_key_name = user_managed.value
          }
        }
      }
    }
  }

  depends_on = [google_project_service.service]
}

resource "google_secret_manager_secret_version" "policy" {
  secret = google_secret_manager_secret.policy.id
  # Write-only (Terraform 1.11): the policy reaches Secret Manager but neither the state nor a saved plan.
  secret_data_wo = file(var.policy_file)
  # A changed policy makes a new version; the number comes from the content's hash, so only that hash is in state.
  secret_data_wo_version = parseint(substr(sha256(file(var.policy_file)), 0, 12), 16)

  # The running revision keeps reading the old version until the new revision that mounts the new one is ready.
  lifecycle {
    create_before_destroy = true
  }
}

# The functions read each gcpkms:// key of the policy with roles/cloudkms.publicKeyViewer on exactly the versions
# listed in policy_kms_key_versions (iam.tf); a key the list misses fails verification with PERMISSION_DENIED.
check "policy_kms_keys_granted" {
  assert {
    condition     = length(setsubtract(local.policy_kms_references, var.policy_kms_key_versions)) == 0
    error_message = "policy_file names gcpkms:// keys that policy_kms_key_versions does not list, so the functions cannot read them: ${join(", ", setsubtract(local.policy_kms_references, var.policy_kms_key_versions))}."
  }
}

# Re-verification: a tick on the reverify topic every reverify_schedule; the Reverifier picks stale records itself.

resource "google_cloud_scheduler_job" "reverify" {
  project     = var.project_id
  region      = coalesce(var.scheduler_region, var.region)
  name        = "${var.name_prefix}-reverify"
  description = "Triggers the ImageTrust Reverifier through the ${var.reverify_topic_name} topic."
  schedule    = var.reverify_schedule
  time_zone   = var.reverify_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.reverify.id
    data       = base64encode(jsonencode({ trigger = "schedule" }))
    attributes = {
      origin = "cloud-scheduler"
    }
  }

  depends_on = [google_project_service.service]
}

# The outbox drain (issue 15): a tick every outbox_drain_schedule (every minute by default) on the same topic, marked
# imagetrust-work = drain-outbox, makes the Reverifier query only records whose outbox holds events nobody is publishing
# (outboxDueAt <= now, the automatic single-field index) and fan them out as work messages. So an event committed while
# Pub/Sub refused publishes, whose deliveries were dead-lettered, is published within about a minute of Pub/Sub coming
# back instead of at the image's next re-verification. A tick that finds nothing costs one request and one query (billed
# as one document read): about 43,200 of each a month.
resource "google_cloud_scheduler_job" "outbox_drain" {
  project     = var.project_id
  region      = coalesce(var.scheduler_region, var.region)
  name        = "${var.name_prefix}-outbox-drain"
  description = "Drains ImageTrust outboxes through the ${var.reverify_topic_name} topic."
  schedule    = var.outbox_drain_schedule
  time_zone   = var.reverify_time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.reverify.id
    data       = base64encode(jsonencode({ trigger = "outbox-drain" }))
    attributes = {
      origin            = "cloud-scheduler"
      "imagetrust-work" = "drain-outbox"
    }
  }

  depends_on = [google_project_service.service]
}

# Confirm by subscription (outbox_confirm_by_subscription): a private pull subscription per event topic receives every
# event the functions publish; the outbox drain pulls them and removes the confirmed entries from the outboxes in
# batches, so a publisher needs no second Firestore write to mark its events sent. Only the Reverifier reads them (iam.tf).
resource "google_pubsub_subscription" "outbox_confirm" {
  for_each = var.outbox_confirm_by_subscription ? local.output_topic_names : {}

  project                    = var.project_id
  name                       = "${each.value}-outbox-confirm"
  topic                      = each.value
  ack_deadline_seconds       = 60
  message_retention_duration = "86400s"
  retain_acked_messages      = false
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}
