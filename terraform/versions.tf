terraform {
  required_version = ">= 1.5"

  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.5"
    }
    google = {
      source  = "hashicorp/google"
      version = "~> 7.0"
    }
  }

  # State is local by default. cloudbuild.yaml adds `backend "gcs" {}` in its workspace and passes the bucket
  # with -backend-config; do the same to share state (see README).
}

provider "google" {
  project = var.project_id
  region  = var.region
}
