"""Every error under /api/ answers the API's JSON error, in French."""

import json

import pytest

ENGLISH = ("JSON parse error", "Not Found", "Bad Request", "Server Error", "Traceback", "Request")


def assert_french_error(response, status: int, code: str | None = None) -> dict:
    """The API's one error shape (cases.api.schema.ErrorSerializer), in French."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) >= {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], dict), body
    if code:
        assert body["code"] == code, body
    for word in ENGLISH:
        assert word not in response.content.decode(), (word, body)
    return body


def post_raw(api, body: bytes, url="/api/v1/workers/", content_type="application/json"):
    return api.generic("POST", url, body, content_type=content_type)


# Bodies DRF could not read


def test_malformed_json_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"last_name": '), 400, "parse_error")
    assert (
        body["detail"] == "Le corps de la requête n'est pas du JSON valide (ligne 1, colonne 15)."
    )


def test_invalid_utf8_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"last_name": "\xff\xfe"}'), 400, "parse_error")
    assert body["detail"] == "Le corps de la requête n'est pas un texte valide en UTF-8."


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_numbers_are_refused_in_french(api, number):
    payload = b'{"plan": {"training_hours": %s}}' % number.encode()
    body = assert_french_error(post_raw(api, payload, "/api/v1/rules/check"), 400, "parse_error")
    assert "nombre non admis" in body["detail"]


def test_an_integer_too_long_to_read_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"agency": ' + b"9" * 5000 + b"}"), 400)
    assert "nombre non admis" in body["detail"]
