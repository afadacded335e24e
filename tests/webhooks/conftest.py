"""A real HTTP receiver on 127.0.0.1 (http.server in a thread), the spec's verification
written here from the Standard Webhooks text (not by the library the product signs with), and
Celery in eager mode."""

import base64
import hashlib
import hmac
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cases.choices import Role
from config.celery import app as celery_app
from tests.factories import AgencyFactory, UserFactory
from webhooks.choices import EventType
from webhooks.services import webhook_endpoint_create


def spec_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """`v1,` + base64(HMAC-SHA256(base64-decoded secret after `whsec_`, "{id}.{ts}.{body}"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verifies(secret: str, request) -> bool:
    """One of the space-separated signatures matches (constant-time comparison)."""
    expected = spec_signature(
        secret, request.headers["webhook-id"], request.headers["webhook-timestamp"], request.body
    )
    return any(
        hmac.compare_digest(expected, given)
        for given in request.headers["webhook-signature"].split(" ")
    )


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """What it received, and what it answers (the statuses in turn; the last one repeats)."""

    server: ThreadingHTTPServer
    answers: list[int] = field(default_factory=lambda: [204])
    headers: dict = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def answer(self) -> int:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def _start_receiver() -> Receiver:
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.received.append(Received(headers, body))
            self.send_response(receiver.answer())
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver


@pytest.fixture
def receiver():
    receiver = _start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def other_receiver():
    receiver = _start_receiver()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True  # the local receiver speaks plain HTTP
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Agence de Lyon")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Agence de Lille")


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency], is_staff=True)


@pytest.fixture
def manager(agency):
    return UserFactory(role=Role.AGENCY_MANAGER, agencies=[agency], is_staff=True)


@pytest.fixture
def endpoint_for(admin_user):
    def make(agency, url, types=(EventType.DOSSIER_STEP,)):
        return webhook_endpoint_create(
            by=admin_user, data={"agency": agency, "url": url, "event_types": list(types)}
        )

    return make
