# Root example: deploys ImageTrust into one project with `terraform apply -var project_id=...`.
# Every input of the module is documented in modules/imagetrust/README.md; this file passes the common ones.

module "imagetrust" {
  source = "./modules/imagetrust"

  project_id                       = var.project_id
  region                           = var.region
  policy_file                      = coalesce(var.policy_file, "${path.root}/../shared/Policy/policy.example.yaml")
  labels                           = var.labels
  create_source_topics             = var.create_source_topics
  kms_key_name                     = var.kms_key_name
  firestore_database               = var.firestore_database
  create_firestore_database        = var.create_firestore_database
  firestore_deletion_protection    = var.firestore_deletion_protection
  function_runtime                 = var.function_runtime
  function_memory                  = var.function_memory
  max_instance_count               = var.max_instance_count
  max_instance_request_concurrency = var.max_instance_request_concurrency
  delivery                         = var.delivery
  reverify_schedule                = var.reverify_schedule
  alerts_subscription_filter       = var.alerts_subscription_filter
  watched_repositories             = var.watched_repositories
}
