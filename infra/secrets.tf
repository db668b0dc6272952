# Secret Manager secrets. Terraform creates the secrets and who may read them, never their values:
# no value is in the repository or in the Terraform state. docs/deploy.md shows how to add (and
# rotate) each value with gcloud.

# HMAC key of the per-case reply addresses (shared/domain/reply_tokens.py) and follow-up links.
resource "google_secret_manager_secret" "reply_token_key" {
  secret_id = "complaint-desk-reply-token-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}

# Access key of the AWS IAM user `sender` (SES: send as the report address, nothing else).
resource "google_secret_manager_secret" "aws_sender_access_key_id" {
  secret_id = "complaint-desk-aws-sender-access-key-id"

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}

resource "google_secret_manager_secret" "aws_sender_secret_access_key" {
  secret_id = "complaint-desk-aws-sender-secret-access-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}

# Access key of the AWS IAM user `reader` (read raw mail from the inbound bucket, nothing else).
resource "google_secret_manager_secret" "aws_reader_access_key_id" {
  secret_id = "complaint-desk-aws-reader-access-key-id"

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}

resource "google_secret_manager_secret" "aws_reader_secret_access_key" {
  secret_id = "complaint-desk-aws-reader-secret-access-key"

  replication {
    auto {}
  }

  depends_on = [google_project_service.required]
}
