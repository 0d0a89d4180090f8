variable "project_id" {
  description = "ID of the project that receives ImageTrust: the project whose Artifact Registry pushes are verified."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a project ID (6-30 lowercase letters, digits or hyphens), not a project number or name."
  }
}

variable "region" {
  description = "Region of the functions, the source bucket, the build repository and (unless scheduler_region is set) the scheduler job."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a Google Cloud region such as us-central1 or europe-west4."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name the module chooses (functions, service accounts, bucket, secret, scheduler job)."
  type        = string
  default     = "imagetrust"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-18 lowercase letters, digits or hyphens, starting with a letter (service account IDs are at most 30 characters)."
  }
}

variable "labels" {
  description = "Labels applied to every resource that supports them."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key, value in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", key)) && can(regex("^[a-z0-9_-]{0,63}$", value))])
    error_message = "Label keys must start with a lowercase letter; keys and values may use lowercase letters, digits, '_' and '-' (at most 63 characters)."
  }
}

variable "enable_apis" {
  description = "Enable the Google APIs ImageTrust uses. Set to false when APIs are managed centrally."
  type        = bool
  default     = true
}

variable "create_gcr_topic" {
  description = "Create the 'gcr' topic Artifact Registry publishes pushes to (its documentation asks you to create it). Set false when it already exists in the project; it is then looked up, and a missing one stops the plan."
  type        = bool
  default     = true
}

variable "create_occurrences_topic" {
  description = "Create the 'container-analysis-occurrences-v1' topic. Artifact Analysis creates it when its API is enabled, except in organisations that require CMEK; set true there (see README). False looks it up, and a missing one stops the plan."
  type        = bool
  default     = false
}

variable "kms_key_name" {
  description = "Cloud KMS key (projects/P/locations/L/keyRings/R/cryptoKeys/K, in var.region) for everything the module stores: the topics, the source bucket, the function image repository, the policy secret (then replicated in var.region only) and the functions or Cloud Run services. Null uses Google-managed encryption. The Firestore database is not covered (see README)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_name == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a full crypto key name: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "quarantine_topic_name" {
  description = "Topic that receives dev.imagetrust.image.quarantined.v1 events."
  type        = string
  default     = "imagetrust-quarantine"

  validation {
    condition     = can(regex("^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.quarantine_topic_name)) && !startswith(var.quarantine_topic_name, "goog")
    error_message = "Topic names are 3-255 characters, start with a letter, and must not start with 'goog'."
  }
}

variable "alerts_topic_name" {
  description = "Topic that receives dev.imagetrust.alert.v1 events."
  type        = string
  default     = "imagetrust-alerts"

  validation {
    condition     = can(regex("^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.alerts_topic_name)) && !startswith(var.alerts_topic_name, "goog")
    error_message = "Topic names are 3-255 characters, start with a letter, and must not start with 'goog'."
  }
}

variable "reverify_topic_name" {
  description = "Topic the scheduler publishes to; it triggers the Reverifier function."
  type        = string
  default     = "imagetrust-reverify"

  validation {
    condition     = can(regex("^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.reverify_topic_name)) && !startswith(var.reverify_topic_name, "goog")
    error_message = "Topic names are 3-255 characters, start with a letter, and must not start with 'goog'."
  }
}

variable "reverify_work_topic_name" {
  description = "Topic the Reverifier's sweep publishes one work message per due image to; its push subscription feeds the Reverifier."
  type        = string
  default     = "imagetrust-reverify-work"

  validation {
    condition     = can(regex("^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.reverify_work_topic_name)) && !startswith(var.reverify_work_topic_name, "goog")
    error_message = "reverify_work_topic_name must be a valid Pub/Sub topic id."
  }
}

variable "reverify_batch" {
  description = "The most work messages one sweep publishes (IMAGETRUST_REVERIFY_BATCH): with reverify_schedule, the bound on the re-verification fan-out rate (default 1000 per 10 minutes)."
  type        = number
  default     = 1000

  validation {
    condition     = var.reverify_batch >= 1 && var.reverify_batch <= 10000 && floor(var.reverify_batch) == var.reverify_batch
    error_message = "reverify_batch must be a whole number from 1 to 10000."
  }
}

variable "dead_letter_topic_name" {
  description = "Topic that receives trigger messages the functions failed to process after max_delivery_attempts."
  type        = string
  default     = "imagetrust-dead-letter"

  validation {
    condition     = can(regex("^[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.dead_letter_topic_name)) && !startswith(var.dead_letter_topic_name, "goog")
    error_message = "Topic names are 3-255 characters, start with a letter, and must not start with 'goog'."
  }
}

variable "deployment" {
  description = "How the functions run: 'functions' (Cloud Run functions built from this checkout by Google's .NET buildpack, JIT or ReadyToRun) or 'cloud_run' (Cloud Run services from the Native AOT images cloudbuild.yaml builds, scans, signs and verifies; see function_images)."
  type        = string
  default     = "functions"

  validation {
    condition     = contains(["functions", "cloud_run"], var.deployment)
    error_message = "deployment must be 'functions' or 'cloud_run'."
  }
}

variable "function_images" {
  description = "deployment = cloud_run: the image of each function by key (push_verifier, occurrence_handler, reverifier), pinned by digest (REGISTRY/PATH@sha256:...), as cloudbuild.yaml writes them after verifying their signatures."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for key, image in var.function_images : contains(["push_verifier", "occurrence_handler", "reverifier"], key) && can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", image))])
    error_message = "function_images maps push_verifier, occurrence_handler and reverifier to images pinned by digest (REGISTRY/PATH@sha256:<64 hex>)."
  }

  validation {
    condition     = var.deployment != "cloud_run" || length(setsubtract(["push_verifier", "occurrence_handler", "reverifier"], keys(var.function_images))) == 0
    error_message = "deployment = \"cloud_run\" needs function_images for push_verifier, occurrence_handler and reverifier."
  }
}

variable "function_ready_to_run" {
  description = "deployment = functions: have the .NET buildpack publish ReadyToRun (precompiled) code for linux-x64, which starts faster than JIT. See README, 'Cold start'."
  type        = bool
  default     = true
}

variable "delivery" {
  description = "How events reach the functions: 'push_subscription' (Pub/Sub push with OIDC, retry backoff and a dead-letter policy, in both deployments) or 'eventarc' (deployment = functions only: Eventarc triggers with RETRY_POLICY_RETRY; the provider cannot set a dead-letter policy on Eventarc's subscriptions)."
  type        = string
  default     = "push_subscription"

  validation {
    condition     = contains(["push_subscription", "eventarc"], var.delivery)
    error_message = "delivery must be 'push_subscription' or 'eventarc'."
  }

  validation {
    condition     = var.delivery == "push_subscription" || var.deployment == "functions"
    error_message = "delivery = \"eventarc\" needs deployment = \"functions\" (Eventarc triggers belong to Cloud Functions here); Cloud Run services use push subscriptions."
  }
}

variable "verify_push_tokens" {
  description = "Make the functions themselves verify each push request's OIDC token (audience and trigger account), on top of Cloud Run's run.invoker check. Pushes then go to the functions' deterministic run.app URLs. Needs delivery = push_subscription."
  type        = bool
  default     = false
}

variable "max_delivery_attempts" {
  description = "Deliveries of one trigger message before Pub/Sub moves it to the dead-letter topic (push_subscription delivery)."
  type        = number
  default     = 10

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100 && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 5 to 100 (Pub/Sub's limits)."
  }
}

variable "create_security_subscriptions" {
  description = "Create the example pull subscriptions for the security team on the alerts and quarantine topics."
  type        = bool
  default     = true
}

variable "alerts_subscription_filter" {
  description = "Pub/Sub filter of the security team's alerts subscription; null delivers every alert."
  type        = string
  default     = "attributes.severity = \"CRITICAL\" OR attributes.severity = \"HIGH\""

  validation {
    condition     = try(length(var.alerts_subscription_filter) <= 256, true)
    error_message = "A Pub/Sub subscription filter is at most 256 bytes."
  }
}

variable "quarantine_subscription_filter" {
  description = "Pub/Sub filter of the security team's quarantine subscription; null delivers every quarantine event."
  type        = string
  default     = null

  validation {
    condition     = try(length(var.quarantine_subscription_filter) <= 256, true)
    error_message = "A Pub/Sub subscription filter is at most 256 bytes."
  }
}

variable "policy_file" {
  description = "Path of the trust policy YAML file (format: shared/Policy/policy.example.yaml). It is stored as a Secret Manager secret version and mounted into every function."
  type        = string

  validation {
    condition     = fileexists(var.policy_file)
    error_message = "policy_file must name an existing file."
  }
}

variable "firestore_database" {
  description = "Firestore database that holds the image status records: '(default)' or a named database."
  type        = string
  default     = "(default)"

  validation {
    condition     = var.firestore_database == "(default)" || can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database))
    error_message = "firestore_database must be '(default)' or 4-63 lowercase letters, digits or hyphens starting with a letter."
  }
}

variable "create_firestore_database" {
  description = "Create the Firestore database. Set false when it already exists in Native mode."
  type        = bool
  default     = true
}

variable "firestore_location" {
  description = "Firestore location (for example nam5, eur3 or a region); null uses var.region."
  type        = string
  default     = null
}

variable "firestore_deletion_protection" {
  description = "Protect the Firestore database against deletion (and keep it on terraform destroy)."
  type        = bool
  default     = true
}

variable "function_runtime" {
  description = "Cloud Run functions runtime. dotnet10 is GA on the google-24 stack; dotnet8 is deprecated."
  type        = string
  default     = "dotnet10"

  validation {
    condition     = can(regex("^dotnet[0-9]+$", var.function_runtime))
    error_message = "function_runtime must be a .NET runtime ID such as dotnet10."
  }
}

variable "function_memory" {
  description = "Memory of each function instance, in Cloud Run notation (for example 512Mi or 1Gi); both deployments."
  type        = string
  default     = "512Mi"

  validation {
    condition     = can(regex("^[0-9]+(Mi|Gi)$", var.function_memory))
    error_message = "function_memory must look like 512Mi or 1Gi."
  }
}

variable "function_cpu" {
  description = "vCPUs of each function instance (both deployments); at least 1 is needed for max_instance_request_concurrency above 1."
  type        = string
  default     = "1"

  validation {
    condition     = contains(["1", "2", "4", "6", "8"], var.function_cpu)
    error_message = "function_cpu must be 1, 2, 4, 6 or 8."
  }
}

variable "min_instance_count" {
  description = "Instances per function kept warm. 0 scales to zero (each scale-out pays a cold start); 1 or more removes the first event's cold start at the price of idle instances."
  type        = number
  default     = 0

  validation {
    condition     = var.min_instance_count >= 0 && var.min_instance_count <= 100 && floor(var.min_instance_count) == var.min_instance_count
    error_message = "min_instance_count must be a whole number from 0 to 100."
  }
}

variable "max_instance_count" {
  description = "Upper bound of instances per function: it caps cost and the request rate against the registry and Container Analysis."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instance_count >= 1 && var.max_instance_count <= 1000
    error_message = "max_instance_count must be from 1 to 1000."
  }
}

variable "max_instance_request_concurrency" {
  description = "Concurrent requests one function instance serves (both deployments)."
  type        = number
  default     = 8

  validation {
    condition     = var.max_instance_request_concurrency >= 1 && var.max_instance_request_concurrency <= 1000
    error_message = "max_instance_request_concurrency must be from 1 to 1000."
  }
}

variable "function_timeout_seconds" {
  description = "Request timeout of each function; the trigger subscriptions' ack deadline is set 30 s above it."
  type        = number
  default     = 120

  validation {
    condition     = var.function_timeout_seconds >= 10 && var.function_timeout_seconds <= 540
    error_message = "function_timeout_seconds must be from 10 to 540 (the limit of event-driven functions)."
  }
}

variable "ingress_settings" {
  description = "Who may reach the functions' URLs. Pub/Sub push, Eventarc and Cloud Scheduler in the same project count as internal traffic."
  type        = string
  default     = "ALLOW_INTERNAL_ONLY"

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress_settings)
    error_message = "ingress_settings must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "scheduler_region" {
  description = "Region of the Cloud Scheduler job (Cloud Scheduler is offered in fewer regions than Cloud Run); null uses var.region."
  type        = string
  default     = null

  validation {
    condition     = var.scheduler_region == null || can(regex("^[a-z]+-[a-z]+[0-9]+$", var.scheduler_region))
    error_message = "scheduler_region must be a Google Cloud region such as us-central1."
  }
}

variable "reverify_schedule" {
  description = "Cron schedule of the re-verification job (Cloud Scheduler syntax)."
  type        = string
  default     = "*/10 * * * *"

  validation {
    condition     = length(split(" ", trimspace(var.reverify_schedule))) == 5
    error_message = "reverify_schedule must be a five-field cron expression."
  }
}

variable "outbox_drain_schedule" {
  description = "Cron schedule of the outbox drain job (Cloud Scheduler syntax): how soon an event whose publishing failed goes out once Pub/Sub is back. Every minute by default, so every committed event is out within 2 minutes."
  type        = string
  default     = "* * * * *"

  validation {
    condition     = length(split(" ", trimspace(var.outbox_drain_schedule))) == 5
    error_message = "outbox_drain_schedule must be a five-field cron expression."
  }
}

variable "outbox_confirm_by_subscription" {
  description = "Confirm published events by subscription (IMAGETRUST_OUTBOX_CONFIRMATIONS): the outbox drain pulls a private subscription on each event topic and removes the confirmed entries from the outboxes every outbox_drain_schedule, which saves one Firestore write on each event's request path. Keep outbox_drain_schedule at every minute with it: an event's claim lasts 2 minutes. false marks each event sent in the request instead."
  type        = bool
  default     = true
}

variable "reverify_time_zone" {
  description = "Time zone of reverify_schedule (tz database name)."
  type        = string
  default     = "Etc/UTC"
}

variable "reverify_max_age" {
  description = "Age after which the Reverifier re-verifies a recorded image status (IMAGETRUST_REVERIFY_MAX_AGE), for example 24h."
  type        = string
  default     = "24h"

  validation {
    condition     = can(regex("^[1-9][0-9]*[smh]$", var.reverify_max_age))
    error_message = "reverify_max_age must be a positive whole number followed by s, m or h, such as 24h."
  }
}

variable "source_projects" {
  description = "Other projects whose Artifact Registry pushes (gcr topic) and occurrences (container-analysis-occurrences-v1) this deployment watches, through cross-project push subscriptions; the functions get registry and occurrence read access there and nothing more. Each project's gcr topic must exist."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for project in var.source_projects : can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", project))]) && length(distinct(var.source_projects)) == length(var.source_projects) && !contains(var.source_projects, var.project_id)
    error_message = "source_projects must list distinct project ids (6-30 characters: lowercase letters, digits, hyphens), other than project_id."
  }
}

variable "watched_repositories" {
  description = "Artifact Registry repositories the functions may read. Empty grants roles/artifactregistry.reader on the whole project (every repository that publishes to 'gcr')."
  type = list(object({
    location   = string
    repository = string
  }))
  default = []
}

variable "policy_kms_key_versions" {
  description = "Cloud KMS key versions (projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V) that the policy's gcpkms:// keys name. Each function account gets roles/cloudkms.publicKeyViewer on exactly these versions; cloudkms.googleapis.com is enabled when the list is not empty."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for version in var.policy_kms_key_versions : can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+/cryptoKeyVersions/[0-9]+$", version))])
    error_message = "policy_kms_key_versions must list key versions: projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V (a gcpkms:// reference without the scheme)."
  }
}

variable "attestor_enabled" {
  description = "Make ImageTrust a Binary Authorization attestor: an ATTESTATION note, an attestor, a signing key (or attestor_kms_key_version), and the grants to attest VERIFIED images and withdraw the attestation when they leave VERIFIED."
  type        = bool
  default     = false
}

variable "attestor_kms_key_version" {
  description = "Bring your own signing key version (projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V, EC P-256/P-384 or RSA PKCS#1/PSS with a digest); null creates a key ring and an EC_SIGN_P256_SHA256 key."
  type        = string
  default     = null

  validation {
    condition     = var.attestor_kms_key_version == null || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+/cryptoKeyVersions/[0-9]+$", var.attestor_kms_key_version))
    error_message = "attestor_kms_key_version must be a key version: projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V."
  }
}

variable "attestor_key_protection_level" {
  description = "Protection level of the key the module creates: SOFTWARE or HSM."
  type        = string
  default     = "SOFTWARE"

  validation {
    condition     = contains(["SOFTWARE", "HSM"], var.attestor_key_protection_level)
    error_message = "attestor_key_protection_level must be SOFTWARE or HSM."
  }
}

variable "attestor_note_id" {
  description = "Id of the ATTESTATION note the attestations attach to (created in project_id)."
  type        = string
  default     = "imagetrust-verified"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,100}$", var.attestor_note_id))
    error_message = "attestor_note_id must be 1-100 letters, digits, '_' or '-'."
  }
}

variable "binauthz_policy" {
  description = "Optional Binary Authorization policy requiring the attestor (a project-wide singleton that replaces the existing policy; null leaves the policy alone): enforcement_mode DRYRUN_AUDIT_LOG_ONLY or ENFORCED_BLOCK_AND_AUDIT_LOG, gke_clusters as LOCATION.CLUSTER, require_for_cloud_run for the default rule, allowlist_patterns always admitted."
  type = object({
    enforcement_mode      = optional(string, "DRYRUN_AUDIT_LOG_ONLY")
    gke_clusters          = optional(list(string), [])
    require_for_cloud_run = optional(bool, false)
    allowlist_patterns    = optional(list(string), [])
  })
  default = null

  validation {
    condition     = var.binauthz_policy == null || contains(["DRYRUN_AUDIT_LOG_ONLY", "ENFORCED_BLOCK_AND_AUDIT_LOG"], try(var.binauthz_policy.enforcement_mode, ""))
    error_message = "binauthz_policy.enforcement_mode must be DRYRUN_AUDIT_LOG_ONLY or ENFORCED_BLOCK_AND_AUDIT_LOG."
  }

  validation {
    condition     = var.binauthz_policy == null || alltrue([for cluster in try(var.binauthz_policy.gke_clusters, []) : can(regex("^[a-z0-9-]+\\.[a-z0-9-]+$", cluster))])
    error_message = "binauthz_policy.gke_clusters must be LOCATION.CLUSTER, e.g. europe-west4.prod."
  }
}

variable "source_dir" {
  description = "Root of the ImageTrust checkout that holds functions/ and shared/; null means the checkout this module sits in."
  type        = string
  default     = null
}

variable "source_bucket_name" {
  description = "Name of the bucket that holds the function source archives; null uses PROJECT-PREFIX-source."
  type        = string
  default     = null
}

variable "source_retention_days" {
  description = "Days a source archive stays in the source bucket (deployment = functions); Cloud Functions keeps its own copy of what it built."
  type        = number
  default     = 30

  validation {
    condition     = var.source_retention_days >= 1 && floor(var.source_retention_days) == var.source_retention_days
    error_message = "source_retention_days must be a whole number of days, at least 1."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete the source bucket even when it still holds archives."
  type        = bool
  default     = false
}

# Monitoring (monitoring.tf): log-based metrics, alert policies, notification channels and a dashboard.

variable "monitoring_enabled" {
  description = "Create the log-based metrics (status transitions, verification outcomes and latency, attestation actions); false also turns off the alert policies, notification channels and dashboard."
  type        = bool
  default     = true
}

variable "monitoring_alerts_enabled" {
  description = "Create the alert policies and the notification channels (with monitoring_enabled)."
  type        = bool
  default     = true
}

variable "monitoring_dashboard_enabled" {
  description = "Create the Cloud Monitoring dashboard (with monitoring_enabled)."
  type        = bool
  default     = true
}

variable "notification_emails" {
  description = "E-mail addresses that receive every ImageTrust alert (one e-mail notification channel each)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.notification_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "notification_emails must list e-mail addresses."
  }
}

variable "notification_pubsub_topic" {
  description = "Pub/Sub topic (projects/P/topics/T) that receives every ImageTrust alert as a notification; the Cloud Monitoring notification service agent gets roles/pubsub.publisher on it. null: none."
  type        = string
  default     = null

  validation {
    condition     = var.notification_pubsub_topic == null || can(regex("^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/topics/[a-zA-Z][-a-zA-Z0-9_.~+%]{2,254}$", var.notification_pubsub_topic))
    error_message = "notification_pubsub_topic must be a topic id: projects/PROJECT/topics/TOPIC."
  }
}

variable "notification_channel_ids" {
  description = "Existing notification channels (projects/P/notificationChannels/ID) that also receive every ImageTrust alert."
  type        = list(string)
  default     = []
}

variable "alert_quarantine_enabled" {
  description = "Alert on each image that enters QUARANTINED (a log-match alert; at most one notification per alert_quarantine_notification_period)."
  type        = bool
  default     = true
}

variable "alert_quarantine_notification_period" {
  description = "Least time between two quarantine notifications (the log-match alert's notification rate limit), such as 300s."
  type        = string
  default     = "300s"

  validation {
    condition     = can(regex("^[1-9][0-9]*s$", var.alert_quarantine_notification_period))
    error_message = "alert_quarantine_notification_period must be a whole number of seconds, such as 300s."
  }
}

variable "alert_dead_letter_backlog" {
  description = "Alert when the dead-letter subscription holds more than this many messages (0: any)."
  type        = number
  default     = 0

  validation {
    condition     = var.alert_dead_letter_backlog >= 0
    error_message = "alert_dead_letter_backlog must not be negative."
  }
}

variable "alert_server_error_rate" {
  description = "Alert when a function answers more 5xx per second than this, for 10 minutes."
  type        = number
  default     = 0.05

  validation {
    condition     = var.alert_server_error_rate >= 0
    error_message = "alert_server_error_rate must not be negative."
  }
}

variable "alert_sweep_lag_seconds" {
  description = "Alert when the oldest re-verification work message has waited longer than this (seconds), for 5 minutes."
  type        = number
  default     = 1800

  validation {
    condition     = var.alert_sweep_lag_seconds > 0
    error_message = "alert_sweep_lag_seconds must be positive."
  }
}
