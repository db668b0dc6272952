# Composite indexes of the case queues (shared/adapters/firestore_queue.py): each filter the server
# applies (SERVER_FILTERS), then the order's unique key (received_key newest first, due_key most
# urgent first). tests/integration/test_infra.py enumerates every query the planner can send and
# fails when one has no index here, or an index here serves none.

resource "google_firestore_index" "cases_status_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_status_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_kind_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "kind"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_kind_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "kind"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_category_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "category"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_category_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "category"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_severity_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_severity_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "severity"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_channel_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "channel"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_channel_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "channel"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_assignee_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "assignee"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_assignee_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "assignee"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_department_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "department"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_department_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "department"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_reporter_email_hash_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "reporter_email_hash"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_reporter_email_hash_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "reporter_email_hash"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_status_department_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "department"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_status_department_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "department"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}

resource "google_firestore_index" "cases_status_assignee_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "assignee"
    order      = "ASCENDING"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

resource "google_firestore_index" "cases_status_assignee_urgent" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path = "status"
    order      = "ASCENDING"
  }

  fields {
    field_path = "assignee"
    order      = "ASCENDING"
  }

  fields {
    field_path = "due_key"
    order      = "ASCENDING"
  }
}
