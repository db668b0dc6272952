# The email side, on AWS (second provider). Outgoing: SES sends as the report address (domain
# identity, DKIM, a custom MAIL FROM domain for SPF). Incoming: the MX record points at SES; a receipt
# rule stores each message in an encrypted S3 bucket and notifies an SNS topic, whose HTTPS
# subscription is the receive_email function. Two IAM users hold the only long-lived keys, each able
# to do one thing; their keys are created outside Terraform and live in Secret Manager
# (docs/deploy.md), never in the repository or the state.

locals {
  account_id       = data.aws_caller_identity.current.account_id
  partition        = data.aws_partition.current.partition
  mail_from_domain = "bounce.${var.domain}"
  inbound_prefix   = "incoming/"
  rule_set_name    = "complaint-desk"
  rule_name        = "store-and-notify"
  rule_arn         = "arn:${local.partition}:ses:${var.ses_region}:${local.account_id}:receipt-rule-set/${local.rule_set_name}:receipt-rule/${local.rule_name}"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# -- Sending: identity, DKIM, MAIL FROM ------------------------------------------------------------

resource "aws_ses_domain_identity" "desk" {
  domain = var.domain

  lifecycle {
    precondition {
      condition     = endswith(lower(var.report_address), "@${lower(var.domain)}")
      error_message = "report_address must be an address in var.domain."
    }
  }
}

resource "aws_ses_domain_dkim" "desk" {
  domain = aws_ses_domain_identity.desk.domain
}

resource "aws_ses_domain_mail_from" "desk" {
  domain                 = aws_ses_domain_identity.desk.domain
  mail_from_domain       = local.mail_from_domain
  behavior_on_mx_failure = "UseDefaultValue"
}

# -- Encryption of raw mail and of its notifications -----------------------------------------------

resource "aws_kms_key" "mail" {
  description             = "Complaint desk: raw incoming mail (S3) and its notifications (SNS)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.mail_key.json
}

resource "aws_kms_alias" "mail" {
  name          = "alias/complaint-desk-mail"
  target_key_id = aws_kms_key.mail.key_id
}

data "aws_iam_policy_document" "mail_key" {
  # checkov:skip=CKV_AWS_109: A key policy: "*" is this key only; the account root statement is the standard one that lets IAM policies (the reader's kms:Decrypt) apply.
  # checkov:skip=CKV_AWS_111: A key policy: "*" is this key only; write access is the account's own administration of its key.
  # checkov:skip=CKV_AWS_356: A key policy: "*" is this key only (key policies cannot name the key by ARN).
  statement {
    sid       = "AccountAdministersTheKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "SesEncryptsIncomingMailAndNotifications"
    actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# -- Incoming: the raw-mail bucket -----------------------------------------------------------------

resource "aws_s3_bucket" "inbound_mail" {
  # checkov:skip=CKV_AWS_18: Writes come only from SES and reads only from the reader user; CloudTrail records both. A server-access-log bucket would be one more copy of metadata about personal mail.
  # checkov:skip=CKV_AWS_144: Raw mail is transient (expires after raw_mail_retention_days) and copied into the case by receive_email; a replica in a second region would only keep personal data longer.
  # checkov:skip=CKV2_AWS_62: SES notifies the SNS topic itself (receipt rule); S3 event notifications would duplicate every message.
  bucket_prefix = "complaint-desk-inbound-"
  force_destroy = false
}

resource "aws_s3_bucket_public_access_block" "inbound_mail" {
  bucket                  = aws_s3_bucket.inbound_mail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "inbound_mail" {
  bucket = aws_s3_bucket.inbound_mail.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "inbound_mail" {
  bucket = aws_s3_bucket.inbound_mail.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.mail.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "inbound_mail" {
  bucket = aws_s3_bucket.inbound_mail.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "inbound_mail" {
  bucket = aws_s3_bucket.inbound_mail.id

  rule {
    id     = "expire-raw-mail"
    status = "Enabled"

    filter {}

    expiration {
      days = var.raw_mail_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.inbound_mail]
}

resource "aws_s3_bucket_policy" "inbound_mail" {
  bucket = aws_s3_bucket.inbound_mail.id
  policy = data.aws_iam_policy_document.inbound_mail_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.inbound_mail]
}

data "aws_iam_policy_document" "inbound_mail_bucket" {
  statement {
    sid       = "SesStoresIncomingMail"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.inbound_mail.arn}/${local.inbound_prefix}*"]

    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }

  statement {
    sid       = "TlsOnly"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.inbound_mail.arn, "${aws_s3_bucket.inbound_mail.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# -- Incoming: the notification topic and its subscriber -------------------------------------------

resource "aws_sns_topic" "inbound_mail" {
  name              = "complaint-desk-inbound-mail"
  kms_master_key_id = aws_kms_key.mail.arn
}

resource "aws_sns_topic_policy" "inbound_mail" {
  arn    = aws_sns_topic.inbound_mail.arn
  policy = data.aws_iam_policy_document.inbound_mail_topic.json
}

data "aws_iam_policy_document" "inbound_mail_topic" {
  statement {
    sid       = "SesNotifiesIncomingMail"
    actions   = ["SNS:Publish"]
    resources = [aws_sns_topic.inbound_mail.arn]

    principals {
      type        = "Service"
      identifiers = ["ses.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }
}

# receive_email confirms the subscription itself (it answers SNS's SubscriptionConfirmation), so
# Terraform waits for the confirmed subscription. Retries cover a cold start or a short outage;
# anything still undelivered stays in the bucket for raw_mail_retention_days.
resource "aws_sns_topic_subscription" "receive_email" {
  topic_arn                       = aws_sns_topic.inbound_mail.arn
  protocol                        = "https"
  endpoint                        = "${local.public_base_url}/receive-email"
  endpoint_auto_confirms          = true
  confirmation_timeout_in_minutes = 5

  delivery_policy = jsonencode({
    healthyRetryPolicy = {
      minDelayTarget     = 5
      maxDelayTarget     = 300
      numRetries         = 10
      numNoDelayRetries  = 0
      numMinDelayRetries = 2
      numMaxDelayRetries = 3
      backoffFunction    = "exponential"
    }
  })

  depends_on = [module.receive_email] # the function and its allUsers invoker
}

# -- Incoming: the receipt rule --------------------------------------------------------------------

resource "aws_ses_receipt_rule_set" "desk" {
  rule_set_name = local.rule_set_name
}

resource "aws_ses_active_receipt_rule_set" "desk" {
  count         = var.activate_receipt_rule_set ? 1 : 0
  rule_set_name = aws_ses_receipt_rule_set.desk.rule_set_name
}

# The whole (dedicated) domain: reply addresses are report+<case>.<token>@domain.
resource "aws_ses_receipt_rule" "store_and_notify" {
  name          = local.rule_name
  rule_set_name = aws_ses_receipt_rule_set.desk.rule_set_name
  recipients    = [var.domain]
  enabled       = true
  scan_enabled  = true
  tls_policy    = "Optional"

  s3_action {
    position          = 1
    bucket_name       = aws_s3_bucket.inbound_mail.bucket
    object_key_prefix = local.inbound_prefix
    topic_arn         = aws_sns_topic.inbound_mail.arn
  }

  depends_on = [
    aws_s3_bucket_policy.inbound_mail,
    aws_s3_bucket_server_side_encryption_configuration.inbound_mail,
    aws_sns_topic_policy.inbound_mail,
  ]
}

# -- The two keyed principals ----------------------------------------------------------------------

# deliver_mail's principal: send as the report address, nothing else.
resource "aws_iam_user" "sender" {
  # checkov:skip=CKV_AWS_273: The caller is a Google Cloud function, not a person: it cannot use SSO. Its key is in Secret Manager and its group allows one action.
  name = "complaint-desk-sender"
}

resource "aws_iam_group" "sender" {
  name = "complaint-desk-sender"
}

resource "aws_iam_user_group_membership" "sender" {
  user   = aws_iam_user.sender.name
  groups = [aws_iam_group.sender.name]
}

resource "aws_iam_group_policy" "sender" {
  name   = "send-as-report-address"
  group  = aws_iam_group.sender.name
  policy = data.aws_iam_policy_document.sender.json
}

data "aws_iam_policy_document" "sender" {
  statement {
    sid       = "SendAsTheReportAddressOnly"
    actions   = ["ses:SendRawEmail"]
    resources = [aws_ses_domain_identity.desk.arn]

    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [var.report_address]
    }
  }
}

# receive_email's principal: read raw mail from the bucket, nothing else.
resource "aws_iam_user" "reader" {
  # checkov:skip=CKV_AWS_273: The caller is a Google Cloud function, not a person: it cannot use SSO. Its key is in Secret Manager and its group allows reading one bucket prefix.
  name = "complaint-desk-reader"
}

resource "aws_iam_group" "reader" {
  name = "complaint-desk-reader"
}

resource "aws_iam_user_group_membership" "reader" {
  user   = aws_iam_user.reader.name
  groups = [aws_iam_group.reader.name]
}

resource "aws_iam_group_policy" "reader" {
  name   = "read-incoming-mail"
  group  = aws_iam_group.reader.name
  policy = data.aws_iam_policy_document.reader.json
}

data "aws_iam_policy_document" "reader" {
  statement {
    sid       = "ReadIncomingMail"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.inbound_mail.arn}/${local.inbound_prefix}*"]
  }

  statement {
    sid       = "DecryptIncomingMail"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.mail.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.ses_region}.amazonaws.com"]
    }
  }
}
