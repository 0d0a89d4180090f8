output "topics" {
  description = "Names of the topics ImageTrust reads from and publishes to."
  value = {
    gcr         = local.source_topic_names.gcr
    occurrences = local.source_topic_names.occurrences
    quarantine  = google_pubsub_topic.quarantine.name
    alerts      = google_pubsub_topic.alerts.name
    reverify    = google_pubsub_topic.reverify.name
    dead_letter = google_pubsub_topic.dead_letter.name
  }
}

output "security_subscriptions" {
  description = "Pull subscriptions for the security team (null when create_security_subscriptions is false)."
  value = {
    alerts     = try(google_pubsub_subscription.security_alerts[0].name, null)
    quarantine = try(google_pubsub_subscription.security_quarantine[0].name, null)
  }
}

output "dead_letter_subscription" {
  description = "Pull subscription that holds the trigger messages the functions could not process."
  value       = google_pubsub_subscription.dead_letter.name
}

output "trigger_subscriptions" {
  description = "Push subscriptions that deliver events to the functions, by function (empty when delivery is eventarc)."
  value       = { for key, subscription in google_pubsub_subscription.trigger : key => subscription.name }
}

output "deployment" {
  description = "How the functions run: functions (buildpack) or cloud_run (Native AOT images)."
  value       = var.deployment
}

output "function_names" {
  description = "Names of the three functions (the Cloud Run service of each, in both deployments), by function."
  value       = local.service_names
}

output "function_urls" {
  description = "HTTPS endpoints of the functions, by function (callable only with run.invoker)."
  value       = local.service_urls
}

output "service_account_emails" {
  description = "Runtime identities of the functions, the trigger identity and the build identity (null with deployment = cloud_run)."
  value = {
    functions = { for key, account in google_service_account.function : key => account.email }
    trigger   = google_service_account.trigger.email
    build     = try(google_service_account.build[0].email, null)
  }
}

output "firestore_database" {
  description = "Firestore database ID that holds the image status records."
  value       = var.firestore_database
}

output "policy_secret" {
  description = "Secret Manager secret that holds the trust policy, and the version the functions mount."
  value = {
    secret  = google_secret_manager_secret.policy.id
    version = google_secret_manager_secret_version.policy.version
  }
}

output "source_bucket" {
  description = "Bucket that holds the function source archives (null with deployment = cloud_run)."
  value       = try(google_storage_bucket.source[0].name, null)
}

output "attestor" {
  description = "The Binary Authorization attestor, its note and its signing key version (null when attestor_enabled is false): what a policy's requireAttestationsBy names."
  value = var.attestor_enabled ? {
    name        = google_binary_authorization_attestor.imagetrust[0].id
    note        = local.attestor_note_name
    key_version = local.attestor_key_version
  } : null
}

output "monitoring" {
  description = "Log-based metric types, alert policy names, notification channel ids and the dashboard id (empty or null for parts turned off)."
  value = {
    metric_types = [
      for metric in concat(google_logging_metric.status_transitions, google_logging_metric.verification_outcomes, google_logging_metric.verification_latency, google_logging_metric.attestation_actions) :
      "logging.googleapis.com/user/${metric.name}"
    ]
    alert_policies = [
      for policy in concat(google_monitoring_alert_policy.quarantine, google_monitoring_alert_policy.dead_letter, google_monitoring_alert_policy.server_errors, google_monitoring_alert_policy.sweep_lag) : policy.name
    ]
    notification_channels = local.notification_channels
    dashboard             = try(google_monitoring_dashboard.imagetrust[0].id, null)
  }
}
