output "topics" {
  description = "Names of the topics ImageTrust reads from and publishes to."
  value       = module.imagetrust.topics
}

output "security_subscriptions" {
  description = "Pull subscriptions for the security team."
  value       = module.imagetrust.security_subscriptions
}

output "dead_letter_subscription" {
  description = "Pull subscription that holds undeliverable trigger messages."
  value       = module.imagetrust.dead_letter_subscription
}

output "trigger_subscriptions" {
  description = "Push subscriptions that deliver events to the functions."
  value       = module.imagetrust.trigger_subscriptions
}

output "function_names" {
  description = "Names of the three functions."
  value       = module.imagetrust.function_names
}

output "function_urls" {
  description = "HTTPS endpoints of the functions."
  value       = module.imagetrust.function_urls
}

output "service_account_emails" {
  description = "Runtime, trigger and build identities."
  value       = module.imagetrust.service_account_emails
}

output "firestore_database" {
  description = "Firestore database ID of the status records."
  value       = module.imagetrust.firestore_database
}

output "policy_secret" {
  description = "Secret Manager secret and version of the trust policy."
  value       = module.imagetrust.policy_secret
}

output "deployment" {
  description = "How the functions run: functions or cloud_run."
  value       = module.imagetrust.deployment
}
