"""The local stack: every function in one process on http://127.0.0.1:8080, SQLite as the case
store, a loopback SMTP mailbox that writes `.eml` files, the report address as a real SMTP server
on 127.0.0.1:2525, a pool of workers that plays the role of the cloud's outbox trigger
(`outbox_pool`: `CD_LOCAL_DELIVERY_WORKERS` of them, woken by the writes that queue mail), and a timer that
plays Cloud Scheduler's: the deadline sweep every `CD_LOCAL_SWEEP_INTERVAL` seconds. The sweep's
HTTP function is not mounted: nothing here lets a caller start it.

Run: `./bin/serve` (or `python -m shared.local.local_stack`).
"""
from __future__ import annotations

import logging
import sys
import threading

import functions_framework
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple
from werkzeug.wrappers import Response

from shared.bootstrap import build_store, services
from shared.local.inbound_smtp import start_inbound_smtp
from shared.local.mailbox import start_mailbox
from shared.local.outbox_pool import OutboxPool, OutboxSignal, SignallingStore
from shared.services.scheduled_sweep import run_scheduled_sweep
from shared.settings import PROJECT_ROOT, ConfigurationError

# sweep_deadlines is left out on purpose: the timer below runs the sweep (docs/configuration.md).
HTTP_FUNCTIONS = ("submit_form", "case_status", "receive_email", "staff_api", "public_pages")
EVENT_FUNCTIONS = ("deliver_mail",)
log = logging.getLogger("local_stack")


def build_app():
    """One WSGI app with each function's functions-framework app mounted at /<name>."""
    mounts = {
        f"/{name}": functions_framework.create_app(
            name, str(PROJECT_ROOT / "functions" / f"{name}.py"), "http")
        for name in HTTP_FUNCTIONS
    }
    mounts.update({
        f"/{name}": functions_framework.create_app(
            name, str(PROJECT_ROOT / "functions" / f"{name}.py"), "cloudevent")
        for name in EVENT_FUNCTIONS
    })

    def root(environ, start_response):
        return Response(status=302, headers={"Location": "/submit_form"})(environ, start_response)

    dispatcher = DispatcherMiddleware(root, mounts)

    def app(environ, start_response):
        # `/submit_form?x` reaches the mounted app with an empty path; Flask would redirect it.
        if environ.get("PATH_INFO", "").rstrip("/") in mounts:
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + environ["PATH_INFO"]
            environ["PATH_INFO"] = "/"
            return mounts[environ["SCRIPT_NAME"].rstrip("/")](environ, start_response)
        return dispatcher(environ, start_response)

    return app


def start_outbox_pool(app, stop: threading.Event) -> OutboxPool:
    """Deliver due outbox entries with `local_delivery_workers` threads until `stop` is set (the
    cloud: one Eventarc event per entry). Call before anything reads `app.store`: every service
    of the process then writes through a store that wakes the pool when it queues mail."""
    signal = OutboxSignal()
    app.store = SignallingStore(build_store(app.settings), signal)
    pool = OutboxPool(app.delivery, app.store, app.clock, signal,
                      app.settings.local_delivery_workers, app.settings.local_worker_interval,
                      stop)
    pool.start()
    return pool


def run_deadline_sweeps(stop: threading.Event, app=None) -> None:
    """Run the deadline sweep, then the due mail, at once and every `local_sweep_interval`
    seconds until `stop` is set (the cloud: Cloud Scheduler calling `sweep_deadlines`)."""
    app = app or services()
    while not stop.is_set():
        try:
            run = run_scheduled_sweep(app.deadline_sweep, app.delivery,
                                      app.settings.sweep_budget_seconds)
            if run.actions or run.mail_given_up:
                log.info("deadline sweep: %s", run.as_json())
        except Exception:  # keep the timer alive; the error is in the log
            log.exception("deadline sweep")
        stop.wait(app.settings.local_sweep_interval)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # aiosmtpd logs every connection, its own start-up probes included: keep its warnings only.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    try:
        app = services()
        app.settings.reply_key  # noqa: B018 (refuse an unsafe key now, not at the first email)
    except ConfigurationError as refused:
        print(f"Not starting: {refused}", file=sys.stderr, flush=True)
        sys.exit(2)
    settings = app.settings
    mailbox = start_mailbox(settings.local_mailbox, settings.smtp_host, settings.smtp_port)
    stop = threading.Event()
    pool = start_outbox_pool(app, stop)
    inbound = start_inbound_smtp(app.mail_intake, settings.inbound_address,
                                 settings.local_inbound_smtp_host,
                                 settings.local_inbound_smtp_port, settings.max_message_bytes,
                                 settings.trusted_authserv_id)
    sweeper = threading.Thread(target=run_deadline_sweeps, args=(stop,), daemon=True)
    sweeper.start()
    base = f"http://{settings.local_http_host}:{settings.local_http_port}"
    print(f"Complaint form:   {base}/submit_form", flush=True)
    print(f"Case status:      {base}/case_status", flush=True)
    print(f"Public pages:     {base}/public_pages/policy  (the handling policy; "
          f"/public_pages/transparency: the month's figures)", flush=True)
    print(f"Staff console:    {base}/staff_api/console/  (sign in with a demo member below)",
          flush=True)
    print(f"Staff API (JSON): {base}/staff_api  (POST /staff_api/sign-in; see README)", flush=True)
    print(f"Report address:   {settings.inbound_address} (SMTP on "
          f"{settings.local_inbound_smtp_host}:{settings.local_inbound_smtp_port}; "
          f"{_trust(settings)})", flush=True)
    print(f"Case store:       {settings.sqlite_path}", flush=True)
    print(f"Reply-token key:  {_key_origin(settings)}", flush=True)
    print(f"Mailbox (.eml):   {settings.local_mailbox}  (SMTP on "
          f"{settings.smtp_host}:{settings.smtp_port})", flush=True)
    print(f"Outbox workers:   {settings.local_delivery_workers} (CD_LOCAL_DELIVERY_WORKERS)",
          flush=True)
    print(f"Deadline sweep:   every {settings.local_sweep_interval:g} s (CD_LOCAL_SWEEP_INTERVAL), "
          "then the due mail", flush=True)
    _demo_staff_on_first_start(app)
    try:
        run_simple(settings.local_http_host, settings.local_http_port, build_app(), threaded=True)
    finally:
        stop.set()
        sweeper.join(timeout=5)  # a run in progress finishes its case; the next run resumes
        pool.join(timeout=5)  # a delivery in progress settles; a lease left behind runs out
        mailbox.stop()
        inbound.stop()


def _demo_staff_on_first_start(app) -> None:
    """With no staff at all (the first start), create the demo staff and print their passwords:
    the only time they are shown."""
    if app.store.list_staff():
        return
    from tools.demo_staff import create_demo_staff, credential_lines

    print("Demo staff (sign in with these; shown this once, `python -m tools.demo_staff` adds "
          "missing ones):", flush=True)
    print("\n".join(credential_lines(create_demo_staff(app.store, app.passwords))), flush=True)


def _key_origin(settings) -> str:
    if settings.reply_token_key:
        return "CD_REPLY_TOKEN_KEY"
    return f"{settings.reply_key_file} (generated here; keep it with the database)"


def _trust(settings) -> str:
    if settings.trusted_authserv_id:
        return f"senders verified by Authentication-Results of {settings.trusted_authserv_id}"
    return "no sender verified: set CD_TRUSTED_AUTHSERV_ID to trust your MTA's verdicts"


if __name__ == "__main__":
    main()
