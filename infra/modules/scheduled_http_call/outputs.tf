output "job_name" {
  description = "The Cloud Scheduler job."
  value       = google_cloud_scheduler_job.call.name
}

output "service_account_email" {
  description = "The job's own service account (it may invoke the target function only)."
  value       = google_service_account.caller.email
}
