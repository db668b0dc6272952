"""Amazon SES mail transport (boto3, SESv1 SendRawEmail). The client is built on first send."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

from shared.domain.errors import DeliveryFailed

_PERMANENT = {"MessageRejected", "MailFromDomainNotVerifiedException",
              "ConfigurationSetDoesNotExistException", "InvalidParameterValue"}


class SesTransport:
    def __init__(self, region: str, client=None):
        self._region = region
        self._client = client

    @property
    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.client("ses", region_name=self._region)
        return self._client

    def send(self, message: EmailMessage) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self.client.send_raw_email(
                Source=parseaddr(str(message["From"]))[1],
                Destinations=[addr for _, addr in getaddresses([str(message["To"])])],
                RawMessage={"Data": message.as_bytes()},
            )
            # SES may put its own Message-ID on the message; replies then reference that one.
            ses_id = f"<{response['MessageId']}@{self._region}.amazonses.com>"
            return [str(message["Message-ID"]), ses_id]
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise DeliveryFailed(f"SES {code}: {exc}", permanent=code in _PERMANENT) from exc
        except BotoCoreError as exc:
            raise DeliveryFailed(f"SES unavailable: {exc}") from exc
