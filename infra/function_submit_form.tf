# submit_form (HTTP, public): the hosted complaint and report form.

resource "google_service_account" "submit_form" {
  account_id   = "cd-submit-form"
  display_name = "Complaint desk: submit_form function"
}

resource "google_project_iam_member" "submit_form_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.submit_form.member
}

resource "google_storage_bucket_iam_member" "submit_form_attachments" {
  bucket = google_storage_bucket.attachments.name
  role   = google_project_iam_custom_role.attachment_writer.id
  member = google_service_account.submit_form.member
}

resource "google_cloudfunctions2_function" "submit_form" {
  # checkov:skip=CKV_GCP_124: The public form must be reachable from the internet; the function itself is the only entry (no load balancer in front by default).
  name        = "submit-form"
  location    = var.region
  description = "The hosted complaint and report form (public)."

  build_config {
    runtime           = "python311"
    entry_point       = "submit_form"
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
    service_account_email          = google_service_account.submit_form.email
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

resource "google_cloud_run_v2_service_iam_member" "submit_form_public" {
  # Public on purpose: anyone must be able to open and submit it without an account.
  project  = var.project_id
  location = google_cloudfunctions2_function.submit_form.location
  name     = google_cloudfunctions2_function.submit_form.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
