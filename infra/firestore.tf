# Firestore (native mode). Collections (shared/adapters/firestore_*.py): cases (bounded
# documents), cases/{number}/events (each case's timeline), reporter_identities, outbox (creation
# triggers deliver_mail), hit_counters (rate limits), mail_index, held_mail, mail_claims (a
# period mail sent once: the statistics bulletin to leaders). The case queues'
# indexes are in firestore_indexes.tf.

resource "google_firestore_database" "main" {
  name                              = var.firestore_database
  location_id                       = local.firestore_location
  type                              = "FIRESTORE_NATIVE"
  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON"

  depends_on = [google_project_service.required]
}

# FirestoreCaseStore.due_outbox: awaiting == true AND due_at <= now ORDER BY due_at LIMIT n; and
# waiting_outbox (the retries brought forward when the transport is back, issue 12):
# awaiting == true AND due_at >= t ORDER BY due_at LIMIT n.
resource "google_firestore_index" "outbox_due" {
  database   = google_firestore_database.main.name
  collection = "outbox"

  fields {
    field_path = "awaiting"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_at"
    order      = "ASCENDING"
  }
}

# FirestoreCaseStore.case_events(public_only=True): public == true AND seq > n ORDER BY seq.
resource "google_firestore_index" "events_public" {
  database   = google_firestore_database.main.name
  collection = "events"

  fields {
    field_path = "public"
    order      = "ASCENDING"
  }

  fields {
    field_path = "seq"
    order      = "ASCENDING"
  }
}

# FirestoreCaseStore.open_held_mail (the staff's held-mail queue): open == true AND
# received_key < cursor ORDER BY received_key DESC LIMIT n.
resource "google_firestore_index" "held_mail_open" {
  database   = google_firestore_database.main.name
  collection = "held_mail"

  fields {
    field_path = "open"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

# Rate-limit counters carry `expires_at`; Firestore deletes them after it (within about a day).
# The empty index_config exempts the field from single-field indexes (no hot-spotting on writes).
resource "google_firestore_field" "hit_counters_ttl" {
  database   = google_firestore_database.main.name
  collection = "hit_counters"
  field      = "expires_at"

  ttl_config {}

  index_config {}
}

# Staff sessions of the local sign-in carry `expires_at` too: expired ones are deleted the same way
# (sign-in refuses them by their time until then).
resource "google_firestore_field" "staff_sessions_ttl" {
  database   = google_firestore_database.main.name
  collection = "staff_sessions"
  field      = "expires_at"

  ttl_config {}

  index_config {}
}
