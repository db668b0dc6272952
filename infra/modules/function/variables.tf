variable "shared" {
  description = "What every function shares (the root's local.function_shared): project, region, instance ceiling, the one source bundle, the image repository and the build service account. `build_grants` only orders: a build waits until the build account has them."
  type = object({
    project_id            = string
    region                = string
    max_instances         = number
    source_bucket         = string
    source_object         = string
    build_service_account = string
    docker_repository     = string
    build_grants          = list(string)
  })
}

variable "name" {
  description = "Name of the function (and of its Cloud Run service), e.g. \"submit-form\"."
  type        = string
}

variable "entry_point" {
  description = "The Python function in functions/*.py (exported by the bundle's main.py)."
  type        = string
}

variable "description" {
  description = "What the function does, and whether it is public."
  type        = string
}

variable "public" {
  description = "Whether anyone may call it without a Google identity (an allUsers invoker binding)."
  type        = bool
}

variable "ingress" {
  description = "ingress_settings of the function: ALLOW_ALL for public functions, ALLOW_INTERNAL_ONLY otherwise."
  type        = string

  validation {
    condition     = contains(["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"], var.ingress)
    error_message = "ingress must be ALLOW_ALL, ALLOW_INTERNAL_ONLY or ALLOW_INTERNAL_AND_GCLB."
  }
}

variable "service_account_email" {
  description = "The function's own service account (created, and granted exactly what it needs, by the caller)."
  type        = string
}

variable "environment" {
  description = "Plain environment variables (settings CD_*)."
  type        = map(string)
}

variable "secret_environment" {
  description = "Environment variables read from Secret Manager: {variable name: {secret = secret id, version = pinned version}}. The service account must be allowed to read each secret."
  type = map(object({
    secret  = string
    version = string
  }))
  default = {}
}

variable "memory" {
  description = "Memory of one instance."
  type        = string
  default     = "512Mi"
}

variable "timeout_seconds" {
  description = "How long one call may take."
  type        = number
  default     = 60
}

variable "event_trigger" {
  description = "For a CloudEvent function: its Eventarc trigger (null for an HTTP function)."
  type = object({
    region                = string
    event_type            = string
    retry_policy          = string
    service_account_email = string
    filters = list(object({
      attribute = string
      value     = string
      operator  = optional(string)
    }))
  })
  default = null
}
