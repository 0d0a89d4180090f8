# Root example: deploys ImageTrust into one project with `terraform apply -var project_id=...`.
# Every input of the module is documented in modules/imagetrust/README.md; this file passes the common ones.

module "imagetrust" {
  source = "./modules/imagetrust"

  project_id                       = var.project_id
  region                           = var.region
  policy_file                      = coalesce(var.policy_file, "${path.root}/../shared/Policy/policy.example.yaml")
  labels                           = var.labels
  create_gcr_topic                 = var.create_gcr_topic
  create_occurrences_topic         = var.create_occurrences_topic
  kms_key_name                     = var.kms_key_name
  policy_kms_key_versions          = var.policy_kms_key_versions
  firestore_database               = var.firestore_database
  create_firestore_database        = var.create_firestore_database
  firestore_deletion_protection    = var.firestore_deletion_protection
  deployment                       = var.deployment
  function_images                  = var.function_images
  function_runtime                 = var.function_runtime
  function_memory                  = var.function_memory
  function_cpu                     = var.function_cpu
  min_instance_count               = var.min_instance_count
  max_instance_count               = var.max_instance_count
  max_instance_request_concurrency = var.max_instance_request_concurrency
  delivery                         = var.delivery
  scheduler_region                 = var.scheduler_region
  reverify_schedule                = var.reverify_schedule
  alerts_subscription_filter       = var.alerts_subscription_filter
  watched_repositories             = var.watched_repositories
}
