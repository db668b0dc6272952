"""HTTP function `receive_email`: the SNS webhook for mail that SES received (public; every call
is verified by its SNS signature). Content never causes a 5xx, which would make SNS retry forever;
only a missing S3 object or a store outage does."""
import functions_framework

from shared.adapters.store_outages import is_store_outage
from shared.bootstrap import services
from shared.domain.errors import ForgedNotification
from shared.web.request_bodies import read_bytes
from shared.web.store_outage import logged, unavailable_headers

# An SNS message is at most 256 KB; with the JSON envelope and its escaping, 1 MiB is ample.
# Anyone can post here, so nothing larger is read before the signature is checked.
MAX_NOTIFICATION_BYTES = 1024 * 1024


@functions_framework.http
def receive_email(request):
    if request.method != "POST":
        return "method not allowed", 405, {"Allow": "POST"}
    body = read_bytes(request, MAX_NOTIFICATION_BYTES)
    if body is None:
        return "refused: larger than an SNS notification", 413
    try:
        result = services().mail_webhook.handle(body)
    except ForgedNotification as forged:
        return f"refused: {forged}", 403
    except KeyError:
        return "raw message not found yet", 503
    except Exception as failed:  # SNS retries a 5xx: the retry registers the mail once
        if not is_store_outage(failed):
            raise
        logged("receive_email", failed)
        return "the case store is unavailable; retry later", 503, unavailable_headers()
    return {"status": result.status, "case": result.case_number}, 200
