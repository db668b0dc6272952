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

module "case_status" {
  # checkov:skip=CKV_GCP_124: The reporter's status page must be reachable from the internet; the case number and access code authorize.
  source = "./modules/function"
  shared = local.function_shared

  name        = "case-status"
  entry_point = "case_status"
  description = "The reporter's status page: look a case up, add text and files (public)."

  # Public on purpose: reporters have no account; the case number and access code authorize, and
  # lookups are rate-limited.
  public                = true
  ingress               = "ALLOW_ALL"
  service_account_email = google_service_account.case_status.email
  environment           = local.common_env
}
