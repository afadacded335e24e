"""The company register's HTTP edge, recorded: a requests transport that answers from
tests/registers/data (or fails as the network would), mounted on the client's session."""

import json
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from cases.registers import company_search

DATA = Path(__file__).parent / "data"


def recorded(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class RecordedTransport(BaseAdapter):
    """Answers each request with the next planned answer: a (status, body, headers) triple or
    an exception to raise (ConnectionError, Timeout). Keeps the requests it saw."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        response = requests.Response()
        response.status_code = status
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json", **headers})
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


def ok(name: str):
    return (200, recorded(name), {})


@pytest.fixture
def register(monkeypatch):
    """`register(*answers)`: every client built from now on talks to a RecordedTransport."""

    monkeypatch.setattr(company_search.PACE, "interval", 0)  # no waiting in tests

    def plan(*answers) -> RecordedTransport:
        transport = RecordedTransport(*answers)

        def session():
            s = requests.Session()
            s.mount("https://", transport)
            s.mount("http://", transport)
            return s

        monkeypatch.setattr(company_search, "new_session", session)
        return transport

    return plan
