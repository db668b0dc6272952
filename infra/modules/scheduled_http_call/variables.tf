variable "project_id" {
  description = "The Google Cloud project."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Scheduler job (Cloud Scheduler must be available there)."
  type        = string
}

variable "name" {
  description = "Name of the job and stem of its service account id (lowercase letters, digits, hyphens; at most 24 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,23}$", var.name))
    error_message = "name must be 3-24 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "description" {
  description = "What the job does."
  type        = string
  default     = ""
}

variable "schedule" {
  description = "Cron schedule, e.g. \"*/15 * * * *\"."
  type        = string
}

variable "time_zone" {
  description = "Time zone of the schedule."
  type        = string
  default     = "Asia/Shanghai"
}

variable "target_function" {
  description = "The HTTP function to call: its location, its name (the Cloud Run service behind a 2nd gen function has the same name) and its URL."
  type = object({
    location = string
    name     = string
    url      = string
  })
}

variable "http_method" {
  description = "HTTP method of the call."
  type        = string
  default     = "POST"
}

variable "body" {
  description = "Request body (sent as JSON). Empty: none."
  type        = string
  default     = ""
}

variable "attempt_deadline" {
  description = "How long one call may take before it counts as failed."
  type        = string
  default     = "320s"
}

variable "retry_count" {
  description = "Retries of a failed call (with backoff) before the run is given up until the next schedule."
  type        = number
  default     = 3
}
