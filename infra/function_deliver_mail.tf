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
  location = module.deliver_mail.location
  name     = module.deliver_mail.name
  role     = "roles/run.invoker"
  member   = google_service_account.deliver_mail_trigger.member
}

module "deliver_mail" {
  source = "./modules/function"
  shared = local.function_shared

  name            = "deliver-mail"
  entry_point     = "deliver_mail"
  description     = "Delivers one outbox message through Amazon SES (Firestore trigger, internal)."
  timeout_seconds = 120

  # Internal: only its Eventarc trigger's service account may invoke it (above).
  public                = false
  ingress               = "ALLOW_INTERNAL_ONLY"
  service_account_email = google_service_account.deliver_mail.email
  environment           = local.common_env

  secret_environment = {
    CD_REPLY_TOKEN_KEY = {
      secret  = google_secret_manager_secret.reply_token_key.secret_id
      version = var.secret_versions.reply_token_key
    }
    AWS_ACCESS_KEY_ID = {
      secret  = google_secret_manager_secret.aws_sender_access_key_id.secret_id
      version = var.secret_versions.aws_sender_access_key_id
    }
    AWS_SECRET_ACCESS_KEY = {
      secret  = google_secret_manager_secret.aws_sender_secret_access_key.secret_id
      version = var.secret_versions.aws_sender_secret_access_key
    }
  }

  event_trigger = {
    region                = local.firestore_location
    event_type            = "google.cloud.firestore.document.v1.created"
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.deliver_mail_trigger.email
    filters = [
      { attribute = "database", value = google_firestore_database.main.name },
      { attribute = "document", value = "outbox/{id}", operator = "match-path-pattern" },
    ]
  }

  depends_on = [
    google_project_iam_member.deliver_mail_trigger_receiver,
    google_secret_manager_secret_iam_member.deliver_mail_reply_token_key,
    google_secret_manager_secret_iam_member.deliver_mail_aws_key_id,
    google_secret_manager_secret_iam_member.deliver_mail_aws_secret_key,
  ]
}
