output "name" {
  description = "Name of the function (and of its Cloud Run service)."
  value       = google_cloudfunctions2_function.function.name
}

output "location" {
  description = "Region of the function."
  value       = google_cloudfunctions2_function.function.location
}

output "url" {
  description = "The function's own URL."
  value       = google_cloudfunctions2_function.function.url
}
