# deployment = "cloud_run": each function is a Cloud Run service running its Native AOT image (functions/Dockerfile,
# built, scanned, signed and verified by cloudbuild.yaml). The host follows the Functions Framework contract either way:
# it listens on $PORT, and FUNCTION_TARGET names the function it serves.

locals {
  # Cloud Run's names for the same three ingress choices Cloud Functions offers (ingress_settings).
  cloud_run_ingress = {
    ALLOW_ALL               = "INGRESS_TRAFFIC_ALL"
    ALLOW_INTERNAL_ONLY     = "INGRESS_TRAFFIC_INTERNAL_ONLY"
    ALLOW_INTERNAL_AND_GCLB = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
  }
  policy_volume = "policy"
}

resource "google_cloud_run_v2_service" "function" {
  for_each = local.deploy_cloud_run ? local.functions : {}

  project             = var.project_id
  location            = var.region
  name                = each.value.name
  description         = each.value.description
  labels              = var.labels
  ingress             = local.cloud_run_ingress[var.ingress_settings]
  deletion_protection = false

  template {
    service_account                  = google_service_account.function[each.key].email
    timeout                          = "${var.function_timeout_seconds}s"
    max_instance_request_concurrency = var.max_instance_request_concurrency
    encryption_key                   = var.kms_key_name
    labels                           = var.labels

    scaling {
      min_instance_count = var.min_instance_count
      max_instance_count = var.max_instance_count
    }

    containers {
      # A digest, never a tag: the image that runs is the one cloudbuild.yaml scanned, signed and verified.
      image = var.function_images[each.key]

      ports {
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = var.function_cpu
          memory = var.function_memory
        }
        # CPU only while a request is served (as a function is billed), and a boosted CPU while an instance starts.
        cpu_idle          = true
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = merge(local.function_environment, local.attestor_environment, local.outbox_confirmation_environment, each.value.environment, local.push_token_environment[each.key], { FUNCTION_TARGET = each.value.entry_point })

        content {
          name  = env.key
          value = env.value
        }
      }

      volume_mounts {
        name       = local.policy_volume
        mount_path = local.policy_mount_dir
      }
    }

    volumes {
      name = local.policy_volume

      secret {
        secret = google_secret_manager_secret.policy.secret_id

        items {
          version = google_secret_manager_secret_version.policy.version
          path    = local.policy_mount_file
        }
      }
    }
  }

  # The runtime accounts' grants (the policy secret above all) must have propagated before the first revision starts.
  depends_on = [
    time_sleep.iam_propagation,
    google_firestore_database.imagetrust,
  ]
}
