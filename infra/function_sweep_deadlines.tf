# sweep_deadlines (HTTP, internal): the scheduled deadline sweep. Cloud Scheduler calls it every
# 5 minutes with a Google-signed OIDC ID token of its own service account (modules/
# scheduled_http_call), which alone may invoke it; the function verifies that token too (its
# audience: this function's URL, CD_SWEEP_AUDIENCE; its account: the scheduler's,
# CD_SWEEP_INVOKER). A run sweeps for at most CD_SWEEP_BUDGET_SECONDS, then delivers the outbox
# entries whose retry time came (through SES, like deliver_mail), inside the function's timeout.

locals {
  sweep_deadlines_name = "sweep-deadlines"
  # Known before the function exists: its own environment and the job both name it (no cycle).
  sweep_deadlines_url = "https://${var.region}-${var.project_id}.cloudfunctions.net/${local.sweep_deadlines_name}"
  sweep_schedule_name = "cd-deadline-sweep"
  # The account modules/scheduled_http_call creates for the job ("<name>-caller").
  sweep_invoker = "${local.sweep_schedule_name}-caller@${var.project_id}.iam.gserviceaccount.com"
  # The sweep's share of one call; the rest of the timeout is the due mail's (CD_SWEEP_BUDGET_SECONDS).
  sweep_timeout_seconds = 360
  sweep_budget_seconds  = 240
}

resource "google_project_service" "sweep_deadlines" {
  service            = "cloudscheduler.googleapis.com"
  disable_on_destroy = false
}

resource "google_service_account" "sweep_deadlines" {
  account_id   = "cd-sweep-deadlines"
  display_name = "Complaint desk: sweep_deadlines function"
}

resource "google_project_iam_member" "sweep_deadlines_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.sweep_deadlines.member
}

# The due mail carries the per-case reply address signed with this key, and goes out through SES.
resource "google_secret_manager_secret_iam_member" "sweep_deadlines_reply_token_key" {
  secret_id = google_secret_manager_secret.reply_token_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.sweep_deadlines.member
}

resource "google_secret_manager_secret_iam_member" "sweep_deadlines_aws_key_id" {
  secret_id = google_secret_manager_secret.aws_sender_access_key_id.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.sweep_deadlines.member
}

resource "google_secret_manager_secret_iam_member" "sweep_deadlines_aws_secret_key" {
  secret_id = google_secret_manager_secret.aws_sender_secret_access_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.sweep_deadlines.member
}

module "sweep_deadlines" {
  source = "./modules/function"
  shared = local.function_shared

  name            = local.sweep_deadlines_name
  entry_point     = "sweep_deadlines"
  description     = "The deadline sweep and the due mail (Cloud Scheduler with an OIDC token, internal)."
  timeout_seconds = local.sweep_timeout_seconds

  # Internal: Cloud Run counts the project's Cloud Scheduler jobs as internal traffic, and only
  # the job's own account may invoke it (modules/scheduled_http_call).
  public                = false
  ingress               = "ALLOW_INTERNAL_ONLY"
  service_account_email = google_service_account.sweep_deadlines.email
  environment = merge(local.common_env, {
    CD_SWEEP_AUDIENCE       = local.sweep_deadlines_url
    CD_SWEEP_INVOKER        = local.sweep_invoker
    CD_SWEEP_BUDGET_SECONDS = tostring(local.sweep_budget_seconds)
  })

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

  depends_on = [
    google_secret_manager_secret_iam_member.sweep_deadlines_reply_token_key,
    google_secret_manager_secret_iam_member.sweep_deadlines_aws_key_id,
    google_secret_manager_secret_iam_member.sweep_deadlines_aws_secret_key,
  ]
}

module "sweep_deadlines_schedule" {
  source = "./modules/scheduled_http_call"

  project_id  = var.project_id
  region      = var.region
  name        = local.sweep_schedule_name
  description = "Every 5 minutes: reminders, overdue notices, escalations, archiving, and the due mail."
  schedule    = "*/5 * * * *"
  time_zone   = var.timezone
  # A failed run is not retried: the next one, 5 minutes later, resumes where it stopped.
  retry_count      = 0
  attempt_deadline = "${local.sweep_timeout_seconds}s"

  target_function = {
    location = module.sweep_deadlines.location
    name     = module.sweep_deadlines.name
    url      = local.sweep_deadlines_url
  }

  depends_on = [google_project_service.sweep_deadlines]
}
