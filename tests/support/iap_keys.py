"""A stand-in for IAP's signing side in tests: EC P-256 keys, their public keys served as
{key id: PEM} over loopback HTTP (the form of gstatic's iap/verify/public_key), and assertions
signed with google-auth's own ES256 signer."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.auth import jwt
from google.auth.crypt import es
from google.auth.transport.requests import Request

from shared.adapters.google_identity import IapAssertionVerifier

IAP_ISSUER = "https://cloud.google.com/iap"
AUDIENCE = "/projects/123456789/global/backendServices/987654321"


class SigningKey:
    """One EC P-256 key pair, known by `key_id`."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        self._private = ec.generate_private_key(ec.SECP256R1())

    @property
    def public_pem(self) -> str:
        return self._private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    def assertion(self, *, key_id: str | None = None, lifetime: int = 600, **claims) -> str:
        """An ES256 assertion like IAP's for `claims` over the defaults (a valid one)."""
        now = int(time.time())
        payload = {"iss": IAP_ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + lifetime,
                   "sub": "accounts.google.com:1234", "email": "handler@example.com"}
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        signer = es.EsSigner(self._private, key_id=key_id or self.key_id)
        return jwt.encode(signer, payload).decode()


@contextmanager
def serving_public_keys(*keys: SigningKey) -> Iterator[str]:
    """Serve the keys' public halves on loopback; yields the URL."""
    body = json.dumps({key.key_id: key.public_pem for key in keys}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/iap/verify/public_key"
    finally:
        server.shutdown()
        server.server_close()


def verifier_for(keys_url: str) -> IapAssertionVerifier:
    """The production verifier, fetching keys from `keys_url` over real HTTP."""
    session = requests.Session()
    session.trust_env = False  # loopback: never through a proxy from the environment
    return IapAssertionVerifier(AUDIENCE, Request(session), keys_url=keys_url)
