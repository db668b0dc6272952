# public_pages (HTTP, public): the handling policy (用户举报和投诉处理制度) generated from the settings,
# and the transparency page of a month (R22). It reads the statistics' counters and the approved
# disclosures, and writes nothing: read-only Firestore access.

resource "google_service_account" "public_pages" {
  account_id   = "cd-public-pages"
  display_name = "Complaint desk: public_pages function"
}

resource "google_project_iam_member" "public_pages_firestore" {
  project = var.project_id
  role    = "roles/datastore.viewer"
  member  = google_service_account.public_pages.member
}

module "public_pages" {
  # checkov:skip=CKV_GCP_124: The published policy and the transparency figures are public by law (R22); they hold no personal data.
  source = "./modules/function"
  shared = local.function_shared

  name        = "public-pages"
  entry_point = "public_pages"
  description = "The published handling policy and the monthly transparency page (public)."

  # Public on purpose: the policy is filed for ICP registration and the figures are disclosed.
  public                = true
  ingress               = "ALLOW_ALL"
  service_account_email = google_service_account.public_pages.email
  environment           = local.common_env
}
