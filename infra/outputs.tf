output "form_url" {
  description = "The public complaint and report form."
  value       = "${local.public_base_url}/submit-form"
}

output "status_url" {
  description = "The reporter's status page (CD_STATUS_URL)."
  value       = "${local.public_base_url}/case-status"
}

output "policy_url" {
  description = "The published handling policy (R22); /policy.html downloads it for filing."
  value       = "${local.public_base_url}/public-pages/policy"
}

output "transparency_url" {
  description = "The monthly transparency page (R22)."
  value       = "${local.public_base_url}/public-pages/transparency"
}

output "receive_email_url" {
  description = "The SNS webhook that receives incoming mail."
  value       = "${local.public_base_url}/receive-email"
}

output "function_urls" {
  description = "Each function's own URL (deliver-mail is internal: Eventarc only)."
  value = {
    submit_form   = module.submit_form.url
    case_status   = module.case_status.url
    deliver_mail  = module.deliver_mail.url
    receive_email = module.receive_email.url
    staff_api     = module.staff_api.url
    public_pages  = module.public_pages.url
  }
}

output "staff_api_url" {
  description = "The staff API, behind its load balancer and Identity-Aware Proxy."
  value       = "https://${var.staff_api_domain}"
}

output "staff_api_ip" {
  description = "The staff API load balancer's address: the DNS A record of var.staff_api_domain."
  value       = google_compute_global_address.staff_api.address
}

output "staff_api_iap_audience" {
  description = "The audience of IAP's assertions for the staff API (the function's CD_IAP_AUDIENCE)."
  value       = local.staff_api_iap_audience
}

output "dns_records" {
  description = "DNS records the operator must create at the domain's DNS provider (docs/deploy.md)."
  value = concat(
    [
      {
        purpose = "SES domain verification"
        name    = "_amazonses.${var.domain}"
        type    = "TXT"
        value   = aws_ses_domain_identity.desk.verification_token
      },
      {
        purpose = "Incoming mail goes to SES"
        name    = var.domain
        type    = "MX"
        value   = "10 inbound-smtp.${var.ses_region}.amazonaws.com"
      },
      {
        purpose = "Bounces of outgoing mail (custom MAIL FROM)"
        name    = local.mail_from_domain
        type    = "MX"
        value   = "10 feedback-smtp.${var.ses_region}.amazonses.com"
      },
      {
        purpose = "SPF of the MAIL FROM domain"
        name    = local.mail_from_domain
        type    = "TXT"
        value   = "v=spf1 include:amazonses.com -all"
      },
      {
        purpose = "The staff API's load balancer"
        name    = var.staff_api_domain
        type    = "A"
        value   = google_compute_global_address.staff_api.address
      },
      {
        purpose = "DMARC"
        name    = "_dmarc.${var.domain}"
        type    = "TXT"
        value   = var.dmarc_report_address != "" ? "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:${var.dmarc_report_address}" : "v=DMARC1; p=quarantine; adkim=r; aspf=r"
      },
    ],
    [
      for token in aws_ses_domain_dkim.desk.dkim_tokens : {
        purpose = "DKIM"
        name    = "${token}._domainkey.${var.domain}"
        type    = "CNAME"
        value   = "${token}.dkim.amazonses.com"
      }
    ],
  )
}

output "inbound_mail_bucket" {
  description = "S3 bucket of raw incoming mail (CD_INBOUND_MAIL_BUCKET)."
  value       = aws_s3_bucket.inbound_mail.bucket
}

output "inbound_topic_arn" {
  description = "SNS topic of incoming mail (CD_INBOUND_TOPIC_ARN)."
  value       = aws_sns_topic.inbound_mail.arn
}

output "attachment_bucket" {
  description = "Cloud Storage bucket of attachments (CD_ATTACHMENT_BUCKET)."
  value       = google_storage_bucket.attachments.name
}

output "secrets" {
  description = "Secret Manager secrets whose values the operator adds (docs/deploy.md)."
  value = {
    reply_token_key              = google_secret_manager_secret.reply_token_key.secret_id
    aws_sender_access_key_id     = google_secret_manager_secret.aws_sender_access_key_id.secret_id
    aws_sender_secret_access_key = google_secret_manager_secret.aws_sender_secret_access_key.secret_id
    aws_reader_access_key_id     = google_secret_manager_secret.aws_reader_access_key_id.secret_id
    aws_reader_secret_access_key = google_secret_manager_secret.aws_reader_secret_access_key.secret_id
  }
}

output "aws_users" {
  description = "The AWS IAM users whose access keys go into the secrets above."
  value = {
    sender = aws_iam_user.sender.name
    reader = aws_iam_user.reader.name
  }
}
