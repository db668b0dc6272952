# One Cloud Function (2nd gen) built from the shared source bundle and, only when `public`, its
# allUsers invoker. The function's service account and its grants are not here: each stays in the
# root's function_<entry point>.tf, next to the call of this module, so its privileges show there.

resource "google_cloudfunctions2_function" "function" {
  project     = var.shared.project_id
  name        = var.name
  location    = var.shared.region
  description = var.description

  build_config {
    runtime           = "python311"
    entry_point       = var.entry_point
    service_account   = var.shared.build_service_account
    docker_repository = var.shared.docker_repository

    source {
      storage_source {
        bucket = var.shared.source_bucket
        object = var.shared.source_object
      }
    }
  }

  service_config {
    service_account_email          = var.service_account_email
    ingress_settings               = var.ingress
    all_traffic_on_latest_revision = true
    available_memory               = var.memory
    timeout_seconds                = var.timeout_seconds
    max_instance_count             = var.shared.max_instances
    environment_variables          = var.environment

    dynamic "secret_environment_variables" {
      for_each = var.secret_environment
      content {
        key        = secret_environment_variables.key
        project_id = var.shared.project_id
        secret     = secret_environment_variables.value.secret
        version    = secret_environment_variables.value.version
      }
    }
  }

  dynamic "event_trigger" {
    for_each = var.event_trigger == null ? [] : [var.event_trigger]
    content {
      trigger_region        = event_trigger.value.region
      event_type            = event_trigger.value.event_type
      retry_policy          = event_trigger.value.retry_policy
      service_account_email = event_trigger.value.service_account_email

      dynamic "event_filters" {
        for_each = event_trigger.value.filters
        content {
          attribute = event_filters.value.attribute
          value     = event_filters.value.value
          operator  = event_filters.value.operator
        }
      }
    }
  }
}

# Anyone may call a public function without a Google identity; there is no other allUsers binding
# in infra/ (tests/integration/test_infra_access.py).
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.public ? 1 : 0

  project  = var.shared.project_id
  location = google_cloudfunctions2_function.function.location
  name     = google_cloudfunctions2_function.function.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
