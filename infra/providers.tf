# Google Cloud carries the system: functions, Firestore, Cloud Storage, Eventarc, Secret Manager.
provider "google" {
  project = var.project_id
  region  = var.region
}

# Amazon Web Services carries the email: SES (sending and receiving), S3 (raw mail), SNS, KMS, IAM.
provider "aws" {
  region = var.ses_region

  default_tags {
    tags = {
      system = "complaint-desk"
    }
  }
}
