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

# A form case's access code is derived from its form token with this key, so a form sent again
# (a reload, a lost answer) shows its receipt again instead of opening a second case.
resource "google_secret_manager_secret_iam_member" "submit_form_reply_token_key" {
  secret_id = google_secret_manager_secret.reply_token_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.submit_form.member
}

module "submit_form" {
  # checkov:skip=CKV_GCP_124: The public form must be reachable from the internet; the function itself is the only entry (no load balancer in front by default).
  source = "./modules/function"
  shared = local.function_shared

  name        = "submit-form"
  entry_point = "submit_form"
  description = "The hosted complaint and report form (public)."

  # Public on purpose: anyone must be able to open and submit it without an account.
  public                = true
  ingress               = "ALLOW_ALL"
  service_account_email = google_service_account.submit_form.email
  environment           = local.common_env

  secret_environment = {
    CD_REPLY_TOKEN_KEY = {
      secret  = google_secret_manager_secret.reply_token_key.secret_id
      version = var.secret_versions.reply_token_key
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.submit_form_reply_token_key]
}
