# case_status (HTTP, public): the reporter's status page (case number + access code).

resource "google_service_account" "case_status" {
  account_id   = "cd-case-status"
  display_name = "Complaint desk: case_status function"
}

resource "google_project_iam_member" "case_status_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.case_status.member
}

resource "google_storage_bucket_iam_member" "case_status_attachments" {
  bucket = google_storage_bucket.attachments.name
  role   = google_project_iam_custom_role.attachment_writer.id
  member = google_service_account.case_status.member
}

resource "google_cloudfunctions2_function" "case_status" {
  # checkov:skip=CKV_GCP_124: The reporter's status page must be reachable from the internet; the case number and access code authorize.
  name        = "case-status"
  location    = var.region
  description = "The reporter's status page: look a case up, add text and files (public)."

  build_config {
    runtime           = "python311"
    entry_point       = "case_status"
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket.function_source.name
        object = google_storage_bucket_object.function_source.name
      }
    }
  }

  service_config {
    service_account_email          = google_service_account.case_status.email
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    available_memory               = "512Mi"
    timeout_seconds                = 60
    max_instance_count             = var.max_instances
    environment_variables          = local.common_env
  }

  depends_on = [
    google_project_iam_member.build_logs,
    google_project_iam_member.build_sources,
    google_artifact_registry_repository_iam_member.build_images,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "case_status_public" {
  # Public on purpose: reporters have no account; the case number and access code authorize, and lookups are rate-limited.
  project  = var.project_id
  location = google_cloudfunctions2_function.case_status.location
  name     = google_cloudfunctions2_function.case_status.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
