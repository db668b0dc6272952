# -- Google Cloud ---------------------------------------------------------------------------------

variable "project_id" {
  description = "The Google Cloud project that runs the functions, Firestore and the buckets."
  type        = string
}

variable "region" {
  description = "Region of the functions and buckets, e.g. asia-east1."
  type        = string
}

variable "firestore_location" {
  description = "Firestore location (a region such as asia-east1, or a multi-region such as nam5). Empty: the same as region. Cannot be changed after creation."
  type        = string
  default     = ""
}

variable "firestore_database" {
  description = "Firestore database id."
  type        = string
  default     = "(default)"
}

variable "attachment_bucket_name" {
  description = "Name of the Cloud Storage bucket for attachments. Empty: <project_id>-attachments."
  type        = string
  default     = ""
}

variable "noncurrent_attachment_days" {
  description = "Days an overwritten or deleted attachment stays recoverable (bucket versioning) before it is removed."
  type        = number
  default     = 30
}

variable "max_instances" {
  description = "Upper bound of instances per function (cost and abuse ceiling)."
  type        = number
  default     = 10
}

variable "public_base_url" {
  description = "Public base URL in front of the functions (a load balancer or custom domain), without a trailing slash. Empty: the functions' own https://<region>-<project>.cloudfunctions.net URLs."
  type        = string
  default     = ""
}

variable "trusted_proxies" {
  description = "Proxies in front of the functions that append to X-Forwarded-For (CD_TRUSTED_PROXIES): Cloud Run's front end is 1 hop; an external HTTPS load balancer in front (see public_base_url) adds one, so 2. Too few and rate limits count the proxy instead of the client; too many and a client can choose its own address."
  type        = number
  default     = 1

  validation {
    condition     = var.trusted_proxies >= 0 && floor(var.trusted_proxies) == var.trusted_proxies
    error_message = "trusted_proxies must be a whole number, 0 or more."
  }
}

# -- The staff API (behind a load balancer and Identity-Aware Proxy) -----------------------------

variable "staff_api_domain" {
  description = "Domain name of the staff API, e.g. staff.complaints.example.com: the load balancer's managed certificate is for it, and its DNS A record points at output staff_api_ip (docs/deploy.md)."
  type        = string
}

variable "staff_api_members" {
  description = "Who may pass Identity-Aware Proxy to the staff API: IAM principals such as \"group:complaint-staff@example.com\" or \"user:li.si@example.com\". Passing IAP only proves who someone is; their active staff record (POST /staff) decides what they may do."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for m in var.staff_api_members : can(regex("^(user|group|domain):", m))])
    error_message = "staff_api_members must be user:, group: or domain: principals (never allUsers or allAuthenticatedUsers)."
  }
}

variable "staff_api_trusted_proxies" {
  description = "CD_TRUSTED_PROXIES of the staff API: the hops of its external HTTPS load balancer and Cloud Run's front end that append to X-Forwarded-For (2). The client address is the audit record's \"from where\"."
  type        = number
  default     = 2

  validation {
    condition     = var.staff_api_trusted_proxies >= 0 && floor(var.staff_api_trusted_proxies) == var.staff_api_trusted_proxies
    error_message = "staff_api_trusted_proxies must be a whole number, 0 or more."
  }
}

# -- The desk ---------------------------------------------------------------------------------------

variable "platform_name" {
  description = "The platform's name, shown on pages and in mail (CD_PLATFORM_NAME)."
  type        = string
}

variable "published_policy" {
  description = "What the published handling policy names besides the form and the report address (R22): a complaint telephone line, an address for letters and visits (empty: not published), the day it takes effect (YYYY-MM-DD; empty: the day it is published) and whether valid reports are rewarded. CD_PUBLIC_PHONE, CD_PUBLIC_OFFICE_ADDRESS, CD_POLICY_EFFECTIVE_FROM, CD_REWARDS_OFFERED."
  type = object({
    phone          = optional(string, "")
    office_address = optional(string, "")
    effective_from = optional(string, "")
    rewards        = optional(bool, false)
  })
  default = {}
}

variable "default_language" {
  description = "Language when neither ?lang= nor Accept-Language decides (CD_DEFAULT_LANGUAGE). One of the languages in templates/i18n/."
  type        = string
  default     = "zh-CN"

  validation {
    condition     = contains(["zh-CN", "en"], var.default_language)
    error_message = "default_language must be one of the languages in templates/i18n/: zh-CN, en."
  }
}

variable "timezone" {
  description = "The platform's time zone: dates in case numbers, times on pages and in mail (CD_TIMEZONE)."
  type        = string
  default     = "Asia/Shanghai"
}

# -- Email (Amazon SES) ---------------------------------------------------------------------------

variable "domain" {
  description = "Mail domain of the desk, e.g. complaints.example.com. Use a domain (or subdomain) dedicated to the desk: its MX record points at SES and SES receives all of its mail."
  type        = string
}

variable "report_address" {
  description = "The desk's address, e.g. report@complaints.example.com: sender of every message and where the public writes. Must be in var.domain."
  type        = string
}

variable "ses_region" {
  description = "AWS region of SES (it must offer email receiving) and of the raw-mail bucket and topic (CD_SES_REGION)."
  type        = string
  default     = "us-east-1"
}

variable "activate_receipt_rule_set" {
  description = "Make this configuration's receipt rule set the active one of the AWS account in ses_region. Only one set can be active per account and region: set false if the account already uses another, and add the rule to that one."
  type        = bool
  default     = true
}

variable "raw_mail_retention_days" {
  description = "Days raw incoming mail stays in the S3 bucket (receive_email copies what it keeps into the case)."
  type        = number
  default     = 30
}

variable "dmarc_report_address" {
  description = "Where DMARC aggregate reports go (rua). Empty: no reports requested."
  type        = string
  default     = ""
}

# -- Secrets --------------------------------------------------------------------------------------

variable "secret_versions" {
  description = "Secret Manager version each function reads. \"latest\" is resolved when an instance starts; pin a number to roll a rotation out to every instance at once with terraform apply (docs/deploy.md)."
  type = object({
    reply_token_key              = optional(string, "latest")
    aws_sender_access_key_id     = optional(string, "latest")
    aws_sender_secret_access_key = optional(string, "latest")
    aws_reader_access_key_id     = optional(string, "latest")
    aws_reader_secret_access_key = optional(string, "latest")
  })
  default = {}
}
