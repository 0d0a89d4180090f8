# ImageTrust: services, storage, topics, subscriptions, the policy secret and the re-verification schedule.
# The functions and their build are in functions.tf; every identity and IAM binding is in iam.tf.

locals {
  services = toset([
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
  ])

  # Google publishes to these two topics under fixed names; they can only be referenced or created.
  source_topic_names = {
    gcr         = "gcr"
    occurrences = "container-analysis-occurrences-v1"
  }
  source_topic_ids = {
    for key, name in local.source_topic_names :
    key => var.create_source_topics ? google_pubsub_topic.source[key].id : "projects/${var.project_id}/topics/${name}"
  }

  output_topic_names = {
    alerts     = google_pubsub_topic.alerts.name
    quarantine = google_pubsub_topic.quarantine.name
  }

  firestore_database_name = "projects/${var.project_id}/databases/${var.firestore_database}"
  pubsub_service_agent    = "serviceAccount:service-${data.google_project.project.number}@gcp-sa-pubsub.iam.gserviceaccount.com"

  # A week of retention lets the security team replay events (subscription seek) after an outage of their consumer.
  event_retention = "604800s"
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

# Topics Google normally creates itself (see create_source_topics).

resource "google_pubsub_topic" "source" {
  for_each = var.create_source_topics ? local.source_topic_names : {}

  project      = var.project_id
  name         = each.value
  kms_key_name = var.kms_key_name
  labels       = var.labels

  depends_on = [google_project_service.service]
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
  name                       = "${var.dead_letter_topic_name}-inspect"
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

  replication {
    auto {}
  }

  depends_on = [google_project_service.service]
}

resource "google_secret_manager_secret_version" "policy" {
  secret      = google_secret_manager_secret.policy.id
  secret_data = file(var.policy_file)

  # The running revision keeps reading the old version until the new revision that mounts the new one is ready.
  lifecycle {
    create_before_destroy = true
  }
}

# Re-verification: a tick on the reverify topic every reverify_schedule; the Reverifier picks stale records itself.

resource "google_cloud_scheduler_job" "reverify" {
  project     = var.project_id
  region      = var.region
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
