# receive_email (HTTP, public): the SNS webhook. SES stores each incoming message in the S3 bucket
# and notifies the SNS topic, which POSTs here; the function checks the notification's signature and
# topic, reads the raw message from S3 and files it as a new case or as a reply to one.

resource "google_service_account" "receive_email" {
  account_id   = "cd-receive-email"
  display_name = "Complaint desk: receive_email function"
}

resource "google_project_iam_member" "receive_email_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.receive_email.member
}

resource "google_storage_bucket_iam_member" "receive_email_attachments" {
  bucket = google_storage_bucket.attachments.name
  role   = google_project_iam_custom_role.attachment_writer.id
  member = google_service_account.receive_email.member
}

# Replies are matched to their case by the signed reply address.
resource "google_secret_manager_secret_iam_member" "receive_email_reply_token_key" {
  secret_id = google_secret_manager_secret.reply_token_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.receive_email.member
}

resource "google_secret_manager_secret_iam_member" "receive_email_aws_key_id" {
  secret_id = google_secret_manager_secret.aws_reader_access_key_id.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.receive_email.member
}

resource "google_secret_manager_secret_iam_member" "receive_email_aws_secret_key" {
  secret_id = google_secret_manager_secret.aws_reader_secret_access_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.receive_email.member
}

resource "google_cloudfunctions2_function" "receive_email" {
  # checkov:skip=CKV_GCP_124: Amazon SNS delivers from the internet; every call must carry a valid SNS signature of the configured topic.
  name        = "receive-email"
  location    = var.region
  description = "Incoming mail: the SNS webhook of the SES receipt rule (public, checks SNS signatures)."

  build_config {
    runtime           = "python311"
    entry_point       = "receive_email"
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
    service_account_email          = google_service_account.receive_email.email
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    available_memory               = "512Mi"
    timeout_seconds                = 120
    max_instance_count             = var.max_instances

    environment_variables = merge(local.common_env, {
      CD_INBOUND_MAIL_BUCKET = aws_s3_bucket.inbound_mail.bucket
      CD_INBOUND_TOPIC_ARN   = aws_sns_topic.inbound_mail.arn
    })

    secret_environment_variables {
      key        = "CD_REPLY_TOKEN_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.reply_token_key.secret_id
      version    = var.secret_versions.reply_token_key
    }

    secret_environment_variables {
      key        = "AWS_ACCESS_KEY_ID"
      project_id = var.project_id
      secret     = google_secret_manager_secret.aws_reader_access_key_id.secret_id
      version    = var.secret_versions.aws_reader_access_key_id
    }

    secret_environment_variables {
      key        = "AWS_SECRET_ACCESS_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.aws_reader_secret_access_key.secret_id
      version    = var.secret_versions.aws_reader_secret_access_key
    }
  }

  depends_on = [
    google_project_iam_member.build_logs,
    google_project_iam_member.build_sources,
    google_artifact_registry_repository_iam_member.build_images,
    google_secret_manager_secret_iam_member.receive_email_reply_token_key,
    google_secret_manager_secret_iam_member.receive_email_aws_key_id,
    google_secret_manager_secret_iam_member.receive_email_aws_secret_key,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "receive_email_public" {
  # Public on purpose: Amazon SNS cannot send Google ID tokens; the function accepts only notifications with a valid SNS signature from the configured topic (CD_INBOUND_TOPIC_ARN).
  project  = var.project_id
  location = google_cloudfunctions2_function.receive_email.location
  name     = google_cloudfunctions2_function.receive_email.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
