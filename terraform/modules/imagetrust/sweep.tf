# The re-verification sweep at scale (issue 15). Each scheduler tick, the Reverifier queries only the records that are due
# (the composite index below serves that query) and publishes one work message per image to the work topic; the work
# subscription pushes them back to the Reverifier, which re-verifies one image per request, so Cloud Run scales out.
#
# The fan-out rate is bounded twice: a tick publishes at most reverify_batch messages (so at most reverify_batch per
# reverify_schedule interval, whatever made records due: a policy change reaches every record over several ticks), and the
# work subscription's push concurrency is capped by the Reverifier's max_instance_count x max_instance_request_concurrency.

resource "google_pubsub_topic" "reverify_work" {
  project      = var.project_id
  name         = var.reverify_work_topic_name
  kms_key_name = var.kms_key_name
  # A work message older than a few ticks has been superseded: the next tick finds the image again if it is still due.
  message_retention_duration = "3600s"
  labels                     = var.labels

  depends_on = [google_project_service.service]
}

resource "google_pubsub_subscription" "reverify_work" {
  project                    = var.project_id
  name                       = local.work_subscription_name
  topic                      = google_pubsub_topic.reverify_work.id
  ack_deadline_seconds       = local.ack_deadline_seconds
  message_retention_duration = "3600s"
  labels                     = var.labels

  push_config {
    push_endpoint = local.push_endpoints["reverifier"]

    oidc_token {
      service_account_email = google_service_account.trigger.email
      audience              = local.push_endpoints["reverifier"]
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

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloud_run_v2_service_iam_member.trigger_invoker,
    google_pubsub_topic_iam_member.dead_letter_publisher,
    google_service_account_iam_member.pubsub_token_creator,
    google_project_iam_member.function_datastore_user,
    google_pubsub_topic_iam_member.function_publisher,
  ]
}

# The sweep publishes work messages; only the Reverifier does.
resource "google_pubsub_topic_iam_member" "reverifier_work_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.reverify_work.name
  role    = "roles/pubsub.publisher"
  member  = google_service_account.function["reverifier"].member
}

# Dead-lettering: the Pub/Sub service agent acknowledges a forwarded message on the work subscription.
resource "google_pubsub_subscription_iam_member" "reverify_work_dead_letter_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.reverify_work.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent

  depends_on = [time_sleep.api_propagation]
}

# The sweep's time-due query: duePolicyVersion == current AND dueAt <= now, ordered by dueAt (an equality and a range on
# different fields need a composite index). The policy-change query (duePolicyVersion != current) uses the automatic
# single-field index.
resource "google_firestore_index" "due_records" {
  project    = var.project_id
  database   = var.firestore_database
  collection = "images"

  fields {
    field_path = "duePolicyVersion"
    order      = "ASCENDING"
  }

  fields {
    field_path = "dueAt"
    order      = "ASCENDING"
  }

  fields {
    field_path = "__name__"
    order      = "ASCENDING"
  }

  depends_on = [google_firestore_database.imagetrust]
}
