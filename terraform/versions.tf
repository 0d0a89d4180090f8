terraform {
  # 1.11: the module passes the policy as a write-only argument (kept out of state and plan files).
  required_version = ">= 1.11"

  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.8"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 7.45"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 7.45"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.14"
    }
  }

  # State is local by default. cloudbuild.yaml adds `backend "gcs" {}` in its workspace and passes the bucket
  # with -backend-config; do the same to share state (see README).
}

provider "google" {
  project = var.project_id
  region  = var.region
}

# The module creates the Pub/Sub service agent with google_project_service_identity, which only google-beta offers.
provider "google-beta" {
  project = var.project_id
  region  = var.region
}
