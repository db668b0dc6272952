# One source bundle for every function. `python tools/stage_functions.py` builds
# build/function-source/ (main.py re-exporting every entry point, requirements.txt from
# pyproject.toml, functions/, shared/, templates/); Terraform zips it and uploads it under its hash,
# so a changed bundle redeploys every function and an unchanged one redeploys none.

data "archive_file" "function_source" {
  type        = "zip"
  source_dir  = "${path.module}/../build/function-source"
  output_path = "${path.module}/../build/function-source.zip"
}

resource "google_storage_bucket" "function_source" {
  # checkov:skip=CKV_GCP_62: Holds only build inputs (the public source bundle); reads are by the Cloud Functions service agent and show in Cloud Audit Logs. No usage-log bucket.
  name                        = "${var.project_id}-function-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 7
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.required]
}

resource "google_storage_bucket_object" "function_source" {
  name   = "function-source-${data.archive_file.function_source.output_md5}.zip"
  bucket = google_storage_bucket.function_source.name
  source = data.archive_file.function_source.output_path
}

# The functions' container images. Our own repository (instead of the automatic gcf-artifacts) so
# the build service account can write here and nowhere else, and old images are cleaned up.
resource "google_artifact_registry_repository" "functions" {
  # checkov:skip=CKV_GCP_84: Images contain only the open source bundle and public packages; Google-managed encryption is enough, a customer-managed key would add a key to operate for no gain.
  repository_id = "complaint-desk-functions"
  location      = var.region
  format        = "DOCKER"
  description   = "Container images of the complaint desk's functions (built by Cloud Build)."

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }

  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s"
    }
  }

  depends_on = [google_project_service.required]
}

# Cloud Build runs the functions' builds as this account instead of a default one with broad roles.
resource "google_service_account" "build" {
  account_id   = "cd-functions-build"
  display_name = "Complaint desk: builds the functions' images"
}

resource "google_project_iam_member" "build_logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.build.member
}

resource "google_artifact_registry_repository_iam_member" "build_images" {
  project    = var.project_id
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}

# Cloud Functions copies each source bundle into its own bucket gcf-v2-sources-<number>-<region>
# before building; the build reads it from there. That bucket is created by the service, so the
# grant is on the project, narrowed by a condition to those buckets.
resource "google_project_iam_member" "build_sources" {
  project = var.project_id
  role    = "roles/storage.objectViewer"
  member  = google_service_account.build.member

  condition {
    title      = "gcf-v2-sources buckets only"
    expression = "resource.name.startsWith(\"projects/_/buckets/gcf-v2-sources-\")"
  }
}
