"""A stand-in for Google's side of Cloud Scheduler's OIDC tokens in tests: RSA keys whose X.509
certificates are answered as {key id: PEM certificate} (the form of Google's oauth2/v1/certs) by a
fake transport, and ID tokens signed with google-auth's own RS256 signer."""
from __future__ import annotations

import datetime
import json
import time
from dataclasses import dataclass, field
from functools import cached_property

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

GOOGLE_ISSUER = "https://accounts.google.com"
AUDIENCE = "https://asia-east1-complaint-desk.cloudfunctions.net/sweep-deadlines"
INVOKER = "cd-deadline-sweep-caller@complaint-desk.iam.gserviceaccount.com"


class GoogleKey:
    """One RSA key pair, known by `key_id`, with a self-signed certificate like Google's."""

    def __init__(self, key_id: str):
        self.key_id = key_id
        self._private = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @cached_property
    def certificate_pem(self) -> str:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.system.gserviceaccount.com")])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                       .public_key(self._private.public_key()).serial_number(1)
                       .not_valid_before(now - datetime.timedelta(days=1))
                       .not_valid_after(now + datetime.timedelta(days=1))
                       .sign(self._private, hashes.SHA256()))
        return certificate.public_bytes(serialization.Encoding.PEM).decode()

    def id_token(self, *, key_id: str | None = None, lifetime: int = 600, **claims) -> str:
        """An RS256 ID token like Cloud Scheduler's for `claims` over the defaults (a valid one);
        a claim given as None is left out."""
        now = int(time.time())
        payload = {"iss": GOOGLE_ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + lifetime,
                   "sub": "104857600000000000001", "email": INVOKER, "email_verified": True,
                   "azp": "104857600000000000001"}
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        pem = self._private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
        signer = crypt.RSASigner.from_string(pem, key_id=key_id or self.key_id)
        return jwt.encode(signer, payload).decode()


@dataclass
class _Answer:
    status: int
    data: bytes
    headers: dict = field(default_factory=dict)


class GoogleCerts:
    """A google-auth transport answering every GET with the keys' certificates, counting fetches;
    `status` and `body` make it answer an error or garbage instead."""

    def __init__(self, *keys: GoogleKey):
        self.fetches: list[str] = []
        self.status = 200
        self.body = json.dumps({key.key_id: key.certificate_pem for key in keys}).encode()

    def __call__(self, url: str, method: str = "GET", **kwargs) -> _Answer:
        self.fetches.append(url)
        return _Answer(self.status, self.body, {"Content-Type": "application/json"})
