# Many projects watched from one deployment (issue 15). Artifact Registry publishes to a gcr topic in each project and
# Artifact Analysis to container-analysis-occurrences-v1 in each: for every project in source_projects, a push subscription
# in the ImageTrust project on that project's topics (a cross-project subscription; whoever applies this needs
# pubsub.topics.attachSubscription on them), with the same backoff and dead-lettering as the home project's, and read access
# to that project's registry and occurrences for the function identities, and nothing more.

locals {
  source_project_subscriptions = {
    for pair in setproduct(var.source_projects, ["gcr", "occurrences"]) :
    "${pair[0]}/${pair[1]}" => {
      project  = pair[0]
      topic    = "projects/${pair[0]}/topics/${local.source_topic_names[pair[1]]}"
      function = pair[1] == "gcr" ? "push_verifier" : "occurrence_handler"
    }
  }
  source_project_function_pairs = {
    for pair in setproduct(var.source_projects, keys(local.functions)) :
    "${pair[0]}/${pair[1]}" => { project = pair[0], function = pair[1] }
  }
}

resource "google_pubsub_subscription" "source_project" {
  for_each = local.source_project_subscriptions

  project                    = var.project_id
  name                       = "${local.functions[each.value.function].name}-${each.value.project}"
  topic                      = each.value.topic
  ack_deadline_seconds       = local.ack_deadline_seconds
  message_retention_duration = local.event_retention
  labels                     = var.labels

  push_config {
    push_endpoint = local.push_endpoints[each.value.function]

    oidc_token {
      service_account_email = google_service_account.trigger.email
      audience              = local.push_endpoints[each.value.function]
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
    google_project_iam_member.source_project_registry_reader,
    google_project_iam_member.source_project_occurrences_viewer,
  ]
}

# Dead-lettering: the Pub/Sub service agent acknowledges a forwarded message on each source project's subscription.
resource "google_pubsub_subscription_iam_member" "source_project_dead_letter_subscriber" {
  for_each = google_pubsub_subscription.source_project

  project      = var.project_id
  subscription = each.value.name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent

  depends_on = [time_sleep.api_propagation]
}

# Verifying reads manifests, signatures and attestations from the source project's repositories.
resource "google_project_iam_member" "source_project_registry_reader" {
  for_each = local.source_project_function_pairs

  project = each.value.project
  role    = "roles/artifactregistry.reader"
  member  = google_service_account.function[each.value.function].member
}

# The vulnerability policy reads the source project's occurrences (project-level: occurrences have no IAM policy of their own).
resource "google_project_iam_member" "source_project_occurrences_viewer" {
  for_each = local.source_project_function_pairs

  project = each.value.project
  role    = "roles/containeranalysis.occurrences.viewer"
  member  = google_service_account.function[each.value.function].member
}
