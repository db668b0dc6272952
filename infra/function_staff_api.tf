# staff_api (HTTP, staff only): the staff API, behind an external HTTPS load balancer with
# Identity-Aware Proxy. IAP signs people in with their Google account, lets through only the
# principals in var.staff_api_members, and signs an assertion into every request; the function
# verifies it (audience: this backend service) and maps the address to an active staff record.
# The function itself is not public: ingress only from the load balancer (and inside the
# project), and only IAP's service agent may invoke it. docs/deploy.md says what the operator
# does by hand (the IAP service agent, the OAuth consent screen, DNS).

locals {
  staff_api_name = "staff-api"
  # The audience IAP signs its assertions for; the function refuses any other (CD_IAP_AUDIENCE).
  staff_api_iap_audience = "/projects/${data.google_project.this.number}/global/backendServices/${google_compute_backend_service.staff_api.generated_id}"
  # IAP's service agent: it calls the function with its own identity (X-Serverless-Authorization).
  iap_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-iap.iam.gserviceaccount.com"
}

# The load balancer and IAP. Never disabled on destroy: other things in the project may use them.
resource "google_project_service" "staff_api" {
  for_each = toset(["compute.googleapis.com", "iap.googleapis.com"])

  service            = each.value
  disable_on_destroy = false
}

resource "google_service_account" "staff_api" {
  account_id   = "cd-staff-api"
  display_name = "Complaint desk: staff_api function"
}

resource "google_project_iam_member" "staff_api_firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.staff_api.member
}

# Staff open cases from held mail and attach it to cases (store, and roll back on failure) ...
resource "google_storage_bucket_iam_member" "staff_api_attachments" {
  bucket = google_storage_bucket.attachments.name
  role   = google_project_iam_custom_role.attachment_writer.id
  member = google_service_account.staff_api.member
}

# ... and read what is stored: a held message's raw text, a case's files.
resource "google_storage_bucket_iam_member" "staff_api_attachment_reader" {
  bucket = google_storage_bucket.attachments.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.staff_api.member
}

# A case opened from held mail gets the access code an email case gets, derived with this key.
resource "google_secret_manager_secret_iam_member" "staff_api_reply_token_key" {
  secret_id = google_secret_manager_secret.reply_token_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.staff_api.member
}

module "staff_api" {
  source = "./modules/function"
  shared = local.function_shared

  name        = local.staff_api_name
  entry_point = "staff_api"
  description = "The staff API (JSON), behind the load balancer and Identity-Aware Proxy (not public)."

  # Not public: no allUsers invoker; reachable only through the load balancer, whose IAP signs
  # people in. Its run.app URL answers nobody from the internet.
  public                = false
  ingress               = "ALLOW_INTERNAL_AND_GCLB"
  service_account_email = google_service_account.staff_api.email

  environment = merge(local.common_env, {
    CD_STAFF_IDENTITY = "iap"
    CD_IAP_AUDIENCE   = local.staff_api_iap_audience
    # The load balancer appends its own hop to X-Forwarded-For: the staff member's address
    # (the audit record's "from where") is further left than the public functions'.
    CD_TRUSTED_PROXIES = tostring(var.staff_api_trusted_proxies)
  })

  secret_environment = {
    CD_REPLY_TOKEN_KEY = {
      secret  = google_secret_manager_secret.reply_token_key.secret_id
      version = var.secret_versions.reply_token_key
    }
  }

  depends_on = [google_secret_manager_secret_iam_member.staff_api_reply_token_key]
}

# Only IAP may invoke the function (IAP enabled on a load balancer authenticates to Cloud Run as
# its service agent).
resource "google_cloud_run_v2_service_iam_member" "staff_api_iap_invoker" {
  project  = var.project_id
  location = module.staff_api.location
  name     = module.staff_api.name
  role     = "roles/run.invoker"
  member   = local.iap_service_agent
}

# -- The load balancer in front: HTTPS on var.staff_api_domain, IAP on its backend -------------

# Names the function by its name, not by module.staff_api: the function's settings hold the
# audience of the backend service below, which would otherwise be a cycle.
resource "google_compute_region_network_endpoint_group" "staff_api" {
  name                  = "staff-api"
  region                = var.region
  network_endpoint_type = "SERVERLESS"

  cloud_function {
    function = local.staff_api_name
  }

  depends_on = [google_project_service.staff_api]
}

resource "google_compute_backend_service" "staff_api" {
  name                  = "staff-api"
  description           = "The staff API function, behind Identity-Aware Proxy."
  protocol              = "HTTPS"
  load_balancing_scheme = "EXTERNAL_MANAGED"

  backend {
    group = google_compute_region_network_endpoint_group.staff_api.id
  }

  # A Google-managed OAuth client: people of the project's organization sign in. For others, an
  # OAuth client set by hand (docs/deploy.md) is kept: Terraform does not reset it.
  iap {
    enabled = true
  }

  log_config {
    enable      = true
    sample_rate = 1
  }

  lifecycle {
    ignore_changes = [iap[0].oauth2_client_id, iap[0].oauth2_client_secret]
  }
}

# Who may pass IAP at all. A staff record (POST /staff) still decides who may act, and how.
resource "google_iap_web_backend_service_iam_member" "staff_api" {
  for_each = var.staff_api_members

  project             = var.project_id
  web_backend_service = google_compute_backend_service.staff_api.name
  role                = "roles/iap.httpsResourceAccessor"
  member              = each.value
}

resource "google_compute_url_map" "staff_api" {
  name            = "staff-api"
  default_service = google_compute_backend_service.staff_api.id
}

resource "google_compute_managed_ssl_certificate" "staff_api" {
  name = "staff-api"

  managed {
    domains = [var.staff_api_domain]
  }
}

resource "google_compute_ssl_policy" "staff_api" {
  name            = "staff-api"
  profile         = "MODERN"
  min_tls_version = "TLS_1_2"
}

resource "google_compute_target_https_proxy" "staff_api" {
  name             = "staff-api"
  url_map          = google_compute_url_map.staff_api.id
  ssl_certificates = [google_compute_managed_ssl_certificate.staff_api.id]
  ssl_policy       = google_compute_ssl_policy.staff_api.id
}

resource "google_compute_global_address" "staff_api" {
  name = "staff-api"

  depends_on = [google_project_service.staff_api]
}

resource "google_compute_global_forwarding_rule" "staff_api" {
  name                  = "staff-api"
  target                = google_compute_target_https_proxy.staff_api.id
  ip_address            = google_compute_global_address.staff_api.id
  port_range            = "443"
  load_balancing_scheme = "EXTERNAL_MANAGED"
}
