# Enforcement: ImageTrust as a Binary Authorization attestor. The functions attest an image while it is VERIFIED and
# withdraw the attestation when it leaves VERIFIED; a BinAuthz policy that requires this attestor turns that into
# admission control for GKE and Cloud Run. Everything here exists only when attestor_enabled is true.

locals {
  create_attestor_key = var.attestor_enabled && var.attestor_kms_key_version == null

  # The signing key version: the module's own key (version 1, created with the key), or the one brought in.
  attestor_crypto_key  = var.attestor_kms_key_version == null ? try(google_kms_crypto_key.attestor[0].id, null) : regex("^(.+)/cryptoKeyVersions/[0-9]+$", var.attestor_kms_key_version)[0]
  attestor_key_version = var.attestor_kms_key_version == null ? "${coalesce(local.attestor_crypto_key, "none")}/cryptoKeyVersions/1" : var.attestor_kms_key_version
  attestor_note_name   = "projects/${var.project_id}/notes/${var.attestor_note_id}"

  # The attestor signs with Cloud KMS and is a Binary Authorization resource.
  attestor_services = var.attestor_enabled ? ["binaryauthorization.googleapis.com", "cloudkms.googleapis.com"] : []

  attestor_environment = var.attestor_enabled ? {
    IMAGETRUST_ATTESTATION_NOTE = local.attestor_note_name
    IMAGETRUST_ATTESTATION_KEY  = "gcpkms://${local.attestor_key_version}"
  } : {}
}

# Key rings cannot be deleted: a destroy leaves this one (and its destroyed key versions) behind.
resource "google_kms_key_ring" "attestor" {
  count = local.create_attestor_key ? 1 : 0

  project  = var.project_id
  name     = "${var.name_prefix}-attestor"
  location = var.region

  depends_on = [google_project_service.service]
}

# The attestor's signing key: asymmetric EC P-256, the algorithm Binary Authorization and gcloud document for KMS attestors.
resource "google_kms_crypto_key" "attestor" {
  count = local.create_attestor_key ? 1 : 0

  name     = "${var.name_prefix}-attestor"
  key_ring = google_kms_key_ring.attestor[0].id
  purpose  = "ASYMMETRIC_SIGN"
  labels   = var.labels

  version_template {
    algorithm        = "EC_SIGN_P256_SHA256"
    protection_level = var.attestor_key_protection_level
  }
}

# The public key the attestor verifies with, read from the key version itself.
data "google_kms_crypto_key_version" "attestor" {
  count = var.attestor_enabled ? 1 : 0

  crypto_key = local.attestor_crypto_key
  version    = tonumber(regex("/cryptoKeyVersions/([0-9]+)$", local.attestor_key_version)[0])
}

# The ATTESTATION note ImageTrust's occurrences attach to; the attestor names it.
resource "google_container_analysis_note" "attestor" {
  count = var.attestor_enabled ? 1 : 0

  project = var.project_id
  name    = var.attestor_note_id

  attestation_authority {
    hint {
      human_readable_name = "ImageTrust: VERIFIED under the trust policy"
    }
  }

  depends_on = [google_project_service.service]
}

# The attestor: an attestation on its note, signed by the key version above, is what a policy requiring it accepts.
resource "google_binary_authorization_attestor" "imagetrust" {
  count = var.attestor_enabled ? 1 : 0

  project     = var.project_id
  name        = "${var.name_prefix}-verified"
  description = "ImageTrust: the image is VERIFIED (signatures and vulnerabilities) under the trust policy; withdrawn when it is not."

  attestation_authority_note {
    note_reference = google_container_analysis_note.attestor[0].name

    public_keys {
      # The id gcloud gives a Cloud KMS key on an attestor; ImageTrust puts the same id on every signature.
      id = "//cloudkms.googleapis.com/v1/${local.attestor_key_version}"

      pkix_public_key {
        public_key_pem      = data.google_kms_crypto_key_version.attestor[0].public_key[0].pem
        signature_algorithm = data.google_kms_crypto_key_version.attestor[0].public_key[0].algorithm
      }
    }
  }
}

# Optional, off by default: the policy is a singleton per project, and this resource replaces whatever policy exists.
resource "google_binary_authorization_policy" "policy" {
  count = var.attestor_enabled && var.binauthz_policy != null ? 1 : 0

  project = var.project_id

  # Google-maintained system images (GKE's own workloads) are exempt, as Google recommends.
  global_policy_evaluation_mode = "ENABLE"

  # Images that may always be deployed: Google's documented allowlist pattern syntax (path prefix with * or **).
  dynamic "admission_whitelist_patterns" {
    for_each = var.binauthz_policy.allowlist_patterns
    content {
      name_pattern = admission_whitelist_patterns.value
    }
  }

  # Cloud Run is governed by the default rule; with require_for_cloud_run it requires the attestor, else it admits all.
  default_admission_rule {
    evaluation_mode         = var.binauthz_policy.require_for_cloud_run ? "REQUIRE_ATTESTATION" : "ALWAYS_ALLOW"
    enforcement_mode        = var.binauthz_policy.enforcement_mode
    require_attestations_by = var.binauthz_policy.require_for_cloud_run ? [google_binary_authorization_attestor.imagetrust[0].name] : []
  }

  # The chosen GKE clusters (LOCATION.CLUSTER) require the attestor.
  dynamic "cluster_admission_rules" {
    for_each = toset(var.binauthz_policy.gke_clusters)
    content {
      cluster                 = cluster_admission_rules.value
      evaluation_mode         = "REQUIRE_ATTESTATION"
      enforcement_mode        = var.binauthz_policy.enforcement_mode
      require_attestations_by = [google_binary_authorization_attestor.imagetrust[0].name]
    }
  }
}
