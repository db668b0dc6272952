"""How long the Firestore client waits for a database that does not answer.

The Google client retries an unavailable or unresponsive Firestore for 60 s (a document read in
a batch, a query: 300 s) before it raises. A request waiting that long is cut off by Cloud Run,
and the person who filled in the form gets the platform's error page instead of ours, without
what they typed. `bound_waits` caps every call's retries and deadline at the store's wait
(`CD_STORE_WAIT_SECONDS`), so the call raises in time for the page to answer 503 with the
text kept (`store_outages`)."""
from __future__ import annotations


def bound_waits(client, seconds: float) -> None:
    """Cap the default retry deadline and timeout of every call the client makes. The GAPIC
    layer keeps them on its wrapped methods, one per RPC; a call that names its own retry or
    timeout still uses that."""
    transport = client._firestore_api._transport
    for method in transport._wrapped_methods.values():
        retry = getattr(method, "_retry", None)
        if retry is not None and hasattr(retry, "with_timeout"):
            method._retry = retry.with_timeout(seconds)
        timeout = getattr(method, "_timeout", None)
        if not isinstance(timeout, (int, float)) or timeout > seconds:
            method._timeout = seconds
