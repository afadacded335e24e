"""Standard Webhooks signatures (https://www.standardwebhooks.com, « Signature scheme »), made
by its reference library: `v1,<base64 HMAC-SHA256 of "{webhook-id}.{timestamp}.{body}">`."""

import base64
import datetime as dt
import secrets

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64 random bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(*, msg_id: str, body: str, secrets_in_use: list[str], at: dt.datetime) -> dict:
    """The three `webhook-*` headers of one attempt at `at`; one signature per secret in use
    (space-separated: the current one, and the previous one during a rotation)."""
    at = at.astimezone(dt.UTC)  # the library reads the datetime's fields as UTC
    signatures = " ".join(
        Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body) for secret in secrets_in_use
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
