# A Cloud Scheduler job that calls one HTTP function with a Google-signed OIDC ID token. The job has
# its own service account, allowed to invoke that one function's Cloud Run service and nothing else.
# The target function stays private: no allUsers, ingress as the function declares.
#
# Needs cloudscheduler.googleapis.com enabled in the project (add it to apis.tf when instantiating).

resource "google_service_account" "caller" {
  project      = var.project_id
  account_id   = "${var.name}-caller"
  display_name = "Scheduler: calls ${var.target_function.name} (${var.name})"
}

resource "google_cloud_run_v2_service_iam_member" "caller_invokes_target" {
  project  = var.project_id
  location = var.target_function.location
  name     = var.target_function.name
  role     = "roles/run.invoker"
  member   = google_service_account.caller.member
}

resource "google_cloud_scheduler_job" "call" {
  project          = var.project_id
  region           = var.region
  name             = var.name
  description      = var.description
  schedule         = var.schedule
  time_zone        = var.time_zone
  attempt_deadline = var.attempt_deadline

  retry_config {
    retry_count          = var.retry_count
    min_backoff_duration = "30s"
    max_backoff_duration = "300s"
  }

  http_target {
    uri         = var.target_function.url
    http_method = var.http_method
    body        = var.body != "" ? base64encode(var.body) : null
    headers     = var.body != "" ? { "Content-Type" = "application/json" } : {}

    oidc_token {
      service_account_email = google_service_account.caller.email
      audience              = var.target_function.url
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.caller_invokes_target]
}
