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

module "receive_email" {
  # checkov:skip=CKV_GCP_124: Amazon SNS delivers from the internet; every call must carry a valid SNS signature of the configured topic.
  source = "./modules/function"
  shared = local.function_shared

  name            = "receive-email"
  entry_point     = "receive_email"
  description     = "Incoming mail: the SNS webhook of the SES receipt rule (public, checks SNS signatures)."
  timeout_seconds = 120

  # Public on purpose: Amazon SNS cannot send Google ID tokens; the function accepts only
  # notifications with a valid SNS signature from the configured topic (CD_INBOUND_TOPIC_ARN).
  public                = true
  ingress               = "ALLOW_ALL"
  service_account_email = google_service_account.receive_email.email

  environment = merge(local.common_env, {
    CD_INBOUND_MAIL_BUCKET = aws_s3_bucket.inbound_mail.bucket
    CD_INBOUND_TOPIC_ARN   = aws_sns_topic.inbound_mail.arn
  })

  secret_environment = {
    CD_REPLY_TOKEN_KEY = {
      secret  = google_secret_manager_secret.reply_token_key.secret_id
      version = var.secret_versions.reply_token_key
    }
    AWS_ACCESS_KEY_ID = {
      secret  = google_secret_manager_secret.aws_reader_access_key_id.secret_id
      version = var.secret_versions.aws_reader_access_key_id
    }
    AWS_SECRET_ACCESS_KEY = {
      secret  = google_secret_manager_secret.aws_reader_secret_access_key.secret_id
      version = var.secret_versions.aws_reader_secret_access_key
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.receive_email_reply_token_key,
    google_secret_manager_secret_iam_member.receive_email_aws_key_id,
    google_secret_manager_secret_iam_member.receive_email_aws_secret_key,
  ]
}
