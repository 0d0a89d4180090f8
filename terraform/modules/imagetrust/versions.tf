terraform {
  # 1.11: write-only arguments (secret_data_wo keeps the policy out of state and plan files); since 1.9 a variable's
  # validation may refer to other variables (delivery, function_images).
  required_version = ">= 1.11"

  # Each provider is pinned to the minor release its schema fixture was derived from (tests/Terraform/provider-schema),
  # so every argument used here exists in the version Terraform installs.
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
}
