# deliver_mail (CloudEvent, internal): the creation of an outbox document triggers it (Eventarc,
# Firestore); it sends that one message through SES and raises on a transient failure, so the
# trigger retries it (with backoff, for up to 24 hours).

resource "google_service_account" "deliver_mail" {
  account_id   = "cd-deliver-mail"
  display_name = "Complaint desk: deliver_mail function"
}

resource "google_project_iam_member" "deliver_mail_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.deliver_mail.member
}

# Every message carries a per-case reply address signed with this key.
resource "google_secret_manager_secret_iam_member" "deliver_mail_reply_token_key" {
  secret_id = google_secret_manager_secret.reply_token_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.deliver_mail.member
}

resource "google_secret_manager_secret_iam_member" "deliver_mail_aws_key_id" {
  secret_id = google_secret_manager_secret.aws_sender_access_key_id.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.deliver_mail.member
}

resource "google_secret_manager_secret_iam_member" "deliver_mail_aws_secret_key" {
  secret_id = google_secret_manager_secret.aws_sender_secret_access_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.deliver_mail.member
}

# The Eventarc trigger's identity: receives the events and may invoke deliver_mail, nothing else.
resource "google_service_account" "deliver_mail_trigger" {
  account_id   = "cd-deliver-mail-trigger"
  display_name = "Complaint desk: Eventarc trigger of deliver_mail"
}

resource "google_project_iam_member" "deliver_mail_trigger_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.deliver_mail_trigger.member
}

resource "google_cloud_run_v2_service_iam_member" "deliver_mail_trigger_invoker" {
  project  = var.project_id
  location = google_cloudfunctions2_function.deliver_mail.location
  name     = google_cloudfunctions2_function.deliver_mail.name
  role     = "roles/run.invoker"
  member   = google_service_account.deliver_mail_trigger.member
}

resource "google_cloudfunctions2_function" "deliver_mail" {
  name        = "deliver-mail"
  location    = var.region
  description = "Delivers one outbox message through Amazon SES (Firestore trigger, internal)."

  build_config {
    runtime           = "python311"
    entry_point       = "deliver_mail"
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
    service_account_email          = google_service_account.deliver_mail.email
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    available_memory               = "512Mi"
    timeout_seconds                = 120
    max_instance_count             = var.max_instances
    environment_variables          = local.common_env

    secret_environment_variables {
      key        = "CD_REPLY_TOKEN_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.reply_token_key.secret_id
      version    = var.secret_versions.reply_token_key
    }

    secret_environment_variables {
      key        = "AWS_ACCESS_KEY_ID"
      project_id = var.project_id
      secret     = google_secret_manager_secret.aws_sender_access_key_id.secret_id
      version    = var.secret_versions.aws_sender_access_key_id
    }

    secret_environment_variables {
      key        = "AWS_SECRET_ACCESS_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.aws_sender_secret_access_key.secret_id
      version    = var.secret_versions.aws_sender_secret_access_key
    }
  }

  event_trigger {
    trigger_region        = local.firestore_location
    event_type            = "google.cloud.firestore.document.v1.created"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.deliver_mail_trigger.email

    event_filters {
      attribute = "database"
      value     = google_firestore_database.main.name
    }

    event_filters {
      attribute = "document"
      value     = "outbox/{id}"
      operator  = "match-path-pattern"
    }
  }

  depends_on = [
    google_project_iam_member.build_logs,
    google_project_iam_member.build_sources,
    google_artifact_registry_repository_iam_member.build_images,
    google_project_iam_member.deliver_mail_trigger_receiver,
    google_secret_manager_secret_iam_member.deliver_mail_reply_token_key,
    google_secret_manager_secret_iam_member.deliver_mail_aws_key_id,
    google_secret_manager_secret_iam_member.deliver_mail_aws_secret_key,
  ]
}
