"""HTTP function `sweep_deadlines`: Cloud Scheduler calls it every 5 minutes with an OIDC ID
token of its own service account. It runs the deadline sweep within `CD_SWEEP_BUDGET_SECONDS`
(below the function's timeout in infra/), then delivers the outbox entries whose retry time came,
and answers what it did as JSON. Nothing in the request sets the time or the work: every caller
without the scheduler's token is refused. The local stack does not mount it: a timer there calls
the same run directly (shared/local/local_stack.py)."""
import logging

import functions_framework
from google.auth.exceptions import TransportError

from shared.adapters.google_oidc import NotTheScheduler
from shared.bootstrap import services
from shared.domain.errors import NotSignedIn
from shared.services.scheduled_sweep import run_scheduled_sweep
from shared.settings import ConfigurationError

log = logging.getLogger(__name__)


@functions_framework.http
def sweep_deadlines(request):
    app = services()
    if request.method != "POST":
        return {"error": "method_not_allowed"}, 405, {"Allow": "POST"}
    try:
        app.sweep_caller.verify(request.headers.get("Authorization"))
    except NotSignedIn:
        return {"error": "not_signed_in"}, 401, {"WWW-Authenticate": "Bearer"}
    except NotTheScheduler:
        return {"error": "forbidden"}, 403
    except TransportError:
        log.exception("sweep_deadlines: Google's certificates could not be fetched")
        return {"error": "keys_unavailable"}, 503
    except ConfigurationError:
        log.exception("sweep_deadlines: the caller cannot be checked")
        return {"error": "not_configured"}, 503
    run = run_scheduled_sweep(app.deadline_sweep, app.delivery, app.settings.sweep_budget_seconds)
    return run.as_json(), 200
