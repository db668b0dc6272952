# Attachments: files that reporters upload or send by email. Private; only the functions that store
# files can write them, and nobody is granted public access.
resource "google_storage_bucket" "attachments" {
  # checkov:skip=CKV_GCP_62: Access is logged by Cloud Audit Logs (enable Data Access logs for Cloud Storage, docs/deploy.md); legacy usage-log buckets would be one more bucket of personal data.
  name                        = local.attachment_bucket
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_attachment_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.required]
}

# Storing an upload is create; rolling a failed registration back is delete. No predefined role is
# exactly that (objectCreator cannot delete, objectUser can also read and list), hence this one.
resource "google_project_iam_custom_role" "attachment_writer" {
  role_id     = "complaintDeskAttachmentWriter"
  title       = "Complaint desk: store and roll back attachments"
  description = "Create attachment objects and delete them again when a registration fails."
  permissions = ["storage.objects.create", "storage.objects.delete"]
}
