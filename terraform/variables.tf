variable "project_id" {
  description = "ID of the project to deploy ImageTrust into."
  type        = string
}

variable "region" {
  description = "Region of the functions, the source bucket and the build repository (and the scheduler job unless scheduler_region is set)."
  type        = string
  default     = "us-central1"
}

variable "policy_file" {
  description = "Path of your trust policy YAML file; null deploys the example policy shipped in shared/Policy/policy.example.yaml."
  type        = string
  default     = null
}

variable "labels" {
  description = "Labels applied to every resource that supports them."
  type        = map(string)
  default     = {}
}

variable "create_gcr_topic" {
  description = "Create the 'gcr' topic Artifact Registry publishes to; false when it already exists (it is then looked up)."
  type        = bool
  default     = true
}

variable "create_occurrences_topic" {
  description = "Create the 'container-analysis-occurrences-v1' topic (organisations that require CMEK); false looks it up."
  type        = bool
  default     = false
}

variable "kms_key_name" {
  description = "Cloud KMS key (in var.region) for the topics, bucket, repository, policy secret and functions ImageTrust creates; null uses Google-managed encryption."
  type        = string
  default     = null
}

variable "policy_kms_key_versions" {
  description = "Cloud KMS key versions the policy's gcpkms:// keys name (projects/.../cryptoKeyVersions/V); the functions may read exactly these public keys."
  type        = list(string)
  default     = []
}

variable "firestore_database" {
  description = "Firestore database for the status records: '(default)' or a named database."
  type        = string
  default     = "(default)"
}

variable "create_firestore_database" {
  description = "Create the Firestore database; false when it already exists in Native mode."
  type        = bool
  default     = true
}

variable "firestore_deletion_protection" {
  description = "Protect the Firestore database against deletion."
  type        = bool
  default     = true
}

variable "deployment" {
  description = "'functions' (buildpack build of this checkout) or 'cloud_run' (the Native AOT images of function_images)."
  type        = string
  default     = "functions"
}

variable "function_images" {
  description = "deployment = cloud_run: image of each function (push_verifier, occurrence_handler, reverifier), pinned by digest."
  type        = map(string)
  default     = {}
}

variable "function_runtime" {
  description = "Cloud Run functions runtime of the three functions."
  type        = string
  default     = "dotnet10"
}

variable "function_memory" {
  description = "Memory of each function instance (for example 512Mi)."
  type        = string
  default     = "512Mi"
}

variable "function_cpu" {
  description = "vCPUs of each function instance."
  type        = string
  default     = "1"
}

variable "min_instance_count" {
  description = "Instances per function kept warm (0 scales to zero)."
  type        = number
  default     = 0
}

variable "max_instance_count" {
  description = "Upper bound of instances per function."
  type        = number
  default     = 10
}

variable "max_instance_request_concurrency" {
  description = "Concurrent requests per function instance."
  type        = number
  default     = 8
}

variable "delivery" {
  description = "'push_subscription' (dead-lettered Pub/Sub push with OIDC) or 'eventarc' (Eventarc triggers, no dead-letter policy)."
  type        = string
  default     = "push_subscription"
}

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler job; null uses region."
  type        = string
  default     = null
}

variable "reverify_schedule" {
  description = "Cron schedule of the re-verification job."
  type        = string
  default     = "*/10 * * * *"
}

variable "alerts_subscription_filter" {
  description = "Filter of the security team's alerts subscription; null delivers every alert."
  type        = string
  default     = "attributes.severity = \"CRITICAL\" OR attributes.severity = \"HIGH\""
}

variable "watched_repositories" {
  description = "Artifact Registry repositories the functions may read; empty grants read access to the whole project."
  type = list(object({
    location   = string
    repository = string
  }))
  default = []
}
