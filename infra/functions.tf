# What every function shares. Each function, with its own service account and exactly the grants it
# needs, is in function_<entry point>.tf: a call of modules/function (the function and, when public,
# its allUsers invoker). tests/integration/test_infra_functions.py holds these files against
# functions/*.py: an entry point without its function here (or a function without its entry point)
# fails the tests.

locals {
  firestore_location = coalesce(var.firestore_location, var.region)
  attachment_bucket  = var.attachment_bucket_name != "" ? var.attachment_bucket_name : "${var.project_id}-attachments"
  public_base_url    = var.public_base_url != "" ? var.public_base_url : "https://${var.region}-${var.project_id}.cloudfunctions.net"

  # The `shared` input of every modules/function call: where it runs, what it is built from and by.
  function_shared = {
    project_id            = var.project_id
    region                = var.region
    max_instances         = var.max_instances
    source_bucket         = google_storage_bucket.function_source.name
    source_object         = google_storage_bucket_object.function_source.name
    build_service_account = google_service_account.build.id
    docker_repository     = google_artifact_registry_repository.functions.id
    # Referenced so that every build waits until the build account has its grants (source.tf).
    build_grants = [
      google_project_iam_member.build_logs.id,
      google_project_iam_member.build_sources.id,
      google_artifact_registry_repository_iam_member.build_images.id,
    ]
  }

  # Settings (shared/settings.py, docs/configuration.md) every function runs with.
  common_env = {
    CD_CASE_STORE         = "firestore"
    CD_FIRESTORE_PROJECT  = var.project_id
    CD_FIRESTORE_DATABASE = google_firestore_database.main.name
    CD_MAIL_TRANSPORT     = "ses"
    CD_SES_REGION         = var.ses_region
    CD_ATTACHMENT_STORE   = "gcs"
    CD_ATTACHMENT_BUCKET  = google_storage_bucket.attachments.name
    CD_MAIL_FROM          = var.report_address
    CD_MAIL_DOMAIN        = var.domain
    CD_REPORT_ADDRESS     = var.report_address
    CD_STATUS_URL         = "${local.public_base_url}/case-status"
    CD_FORM_URL           = "${local.public_base_url}/submit-form"
    CD_PUBLIC_PAGES_URL   = "${local.public_base_url}/public-pages"
    # What the published policy names (R22): empty values are "not published".
    CD_PUBLIC_PHONE          = var.published_policy.phone
    CD_PUBLIC_OFFICE_ADDRESS = var.published_policy.office_address
    CD_POLICY_EFFECTIVE_FROM = var.published_policy.effective_from
    CD_REWARDS_OFFERED       = tostring(var.published_policy.rewards)
    CD_PLATFORM_NAME         = var.platform_name
    CD_DEFAULT_LANGUAGE      = var.default_language
    CD_TIMEZONE              = var.timezone
    # Cloud Run's front end appends the caller's address to X-Forwarded-For: one trusted hop; a
    # load balancer in front (var.public_base_url) adds its own. The operator counts them.
    CD_TRUSTED_PROXIES = tostring(var.trusted_proxies)
    # Cloud Run takes at most 32 MiB in one HTTP/1 request: the form's files together (30 MiB)
    # and its texts (1 MiB) fit beneath it, and start-up refuses limits that would not.
    CD_PLATFORM_REQUEST_CAP_BYTES  = "33554432"
    CD_MAX_ATTACHMENTS_TOTAL_BYTES = "31457280"
  }
}
