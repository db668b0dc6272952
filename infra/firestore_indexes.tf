# Composite indexes of the case queues (shared/adapters/firestore_queue.py): each filter the server
# applies (SERVER_FILTERS), then the order's unique key (received_key newest first, due_key most
# urgent first, overdue_key longest overdue first). tests/integration/test_infra_firestore.py enumerates every query the planner can send and
# fails when one has no index here, or an index here serves none.

locals {
  # Index name => its fields in order: { field_path, order } as a `fields` block takes them.
  queue_indexes = {
    # Each filter alone, in both orders.
    cases_status_newest = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_status_urgent = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_kind_newest = [
      { field_path = "kind", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_kind_urgent = [
      { field_path = "kind", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_category_newest = [
      { field_path = "category", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_category_urgent = [
      { field_path = "category", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_severity_newest = [
      { field_path = "severity", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_severity_urgent = [
      { field_path = "severity", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_channel_newest = [
      { field_path = "channel", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_channel_urgent = [
      { field_path = "channel", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_assignee_newest = [
      { field_path = "assignee", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_assignee_urgent = [
      { field_path = "assignee", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_department_newest = [
      { field_path = "department", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_department_urgent = [
      { field_path = "department", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_reporter_email_hash_newest = [
      { field_path = "reporter_email_hash", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_reporter_email_hash_urgent = [
      { field_path = "reporter_email_hash", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    # The cases of one matter (R8's count rule): the rule's "received in these 30 days" is a range
    # of received_key on the newest-first index.
    cases_matter_newest = [
      { field_path = "matter", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_matter_urgent = [
      { field_path = "matter", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]

    # Status with department (a department's queue) and with assignee (a handler's), in both orders.
    cases_status_department_newest = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "department", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_status_department_urgent = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "department", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]
    cases_status_assignee_newest = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "assignee", order = "ASCENDING" },
      { field_path = "received_key", order = "DESCENDING" },
    ]
    cases_status_assignee_urgent = [
      { field_path = "status", order = "ASCENDING" },
      { field_path = "assignee", order = "ASCENDING" },
      { field_path = "due_key", order = "ASCENDING" },
    ]

    # The overdue queue (overdue_key, only on overdue cases) of a department and of a handler;
    # the whole queue walks the key's single-field index, other filters are checked on the results.
    cases_department_overdue = [
      { field_path = "department", order = "ASCENDING" },
      { field_path = "overdue_key", order = "ASCENDING" },
    ]
    cases_assignee_overdue = [
      { field_path = "assignee", order = "ASCENDING" },
      { field_path = "overdue_key", order = "ASCENDING" },
    ]
  }
}

# A word search (firestore_queue, CaseQuery.words): search_terms array-contains one term, newest
# first; further terms and filters are checked on the results.
resource "google_firestore_index" "cases_search_terms_newest" {
  database   = google_firestore_database.main.name
  collection = "cases"

  fields {
    field_path   = "search_terms"
    array_config = "CONTAINS"
  }

  fields {
    field_path = "received_key"
    order      = "DESCENDING"
  }
}

# The terms are read only through that composite index: no single-field index entries (up to 64 a
# case write, one per term) are kept for them.
resource "google_firestore_field" "cases_search_terms" {
  database   = google_firestore_database.main.name
  collection = "cases"
  field      = "search_terms"

  index_config {}
}

resource "google_firestore_index" "queue" {
  for_each = local.queue_indexes

  database   = google_firestore_database.main.name
  collection = "cases"

  dynamic "fields" {
    for_each = each.value
    content {
      field_path = fields.value.field_path
      order      = fields.value.order
    }
  }
}

# The indexes were one resource each until the queue map above: these move them to their keys in
# the state, so Terraform neither drops nor rebuilds an index (a rebuild leaves its queries failing
# for minutes). Harmless once applied; remove them when every state has been applied with them.
moved {
  from = google_firestore_index.cases_status_newest
  to   = google_firestore_index.queue["cases_status_newest"]
}

moved {
  from = google_firestore_index.cases_status_urgent
  to   = google_firestore_index.queue["cases_status_urgent"]
}

moved {
  from = google_firestore_index.cases_kind_newest
  to   = google_firestore_index.queue["cases_kind_newest"]
}

moved {
  from = google_firestore_index.cases_kind_urgent
  to   = google_firestore_index.queue["cases_kind_urgent"]
}

moved {
  from = google_firestore_index.cases_category_newest
  to   = google_firestore_index.queue["cases_category_newest"]
}

moved {
  from = google_firestore_index.cases_category_urgent
  to   = google_firestore_index.queue["cases_category_urgent"]
}

moved {
  from = google_firestore_index.cases_severity_newest
  to   = google_firestore_index.queue["cases_severity_newest"]
}

moved {
  from = google_firestore_index.cases_severity_urgent
  to   = google_firestore_index.queue["cases_severity_urgent"]
}

moved {
  from = google_firestore_index.cases_channel_newest
  to   = google_firestore_index.queue["cases_channel_newest"]
}

moved {
  from = google_firestore_index.cases_channel_urgent
  to   = google_firestore_index.queue["cases_channel_urgent"]
}

moved {
  from = google_firestore_index.cases_assignee_newest
  to   = google_firestore_index.queue["cases_assignee_newest"]
}

moved {
  from = google_firestore_index.cases_assignee_urgent
  to   = google_firestore_index.queue["cases_assignee_urgent"]
}

moved {
  from = google_firestore_index.cases_department_newest
  to   = google_firestore_index.queue["cases_department_newest"]
}

moved {
  from = google_firestore_index.cases_department_urgent
  to   = google_firestore_index.queue["cases_department_urgent"]
}

moved {
  from = google_firestore_index.cases_reporter_email_hash_newest
  to   = google_firestore_index.queue["cases_reporter_email_hash_newest"]
}

moved {
  from = google_firestore_index.cases_reporter_email_hash_urgent
  to   = google_firestore_index.queue["cases_reporter_email_hash_urgent"]
}

moved {
  from = google_firestore_index.cases_status_department_newest
  to   = google_firestore_index.queue["cases_status_department_newest"]
}

moved {
  from = google_firestore_index.cases_status_department_urgent
  to   = google_firestore_index.queue["cases_status_department_urgent"]
}

moved {
  from = google_firestore_index.cases_status_assignee_newest
  to   = google_firestore_index.queue["cases_status_assignee_newest"]
}

moved {
  from = google_firestore_index.cases_status_assignee_urgent
  to   = google_firestore_index.queue["cases_status_assignee_urgent"]
}
