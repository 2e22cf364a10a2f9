"""Every /api/v1 error, whatever the route and whatever was wrong, is one shape:
`{code, message, errors}`, plus the number a phone resumes from on a 409 or 503."""

import hashlib
import uuid

import pytest
from werkzeug.exceptions import HTTPException

from tests.api.test_recordings import WEBM_HEAD, start
from webapp.extensions import db
from webapp.services import capture, case_records

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
BIG = 6 * 1024 * 1024 + 1
# What a phone may find beside the envelope, and what it resumes from.
EXTRA = {"expected_seq", "last_applied_seq", "offset"}


@pytest.fixture
def ids(app, phone, visit, owner, tmp_path):
    """A record and a recording this phone may send to, and a photo's digest."""
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    record = case_records.add_item(visit.case, owner, "Scans")
    db.session.commit()
    recording_id, rejected = start(phone, visit)
    assert rejected == []
    return {"item": record.id, "recording": recording_id, "sha": hashlib.sha256(PNG).hexdigest(),
            "device": str(phone.device.id)}


def photo_sent_halfway(phone, ids):
    url = f"/api/v1/records/{ids['item']}/uploads/{ids['sha']}?offset=0&size={len(PNG)}"
    assert phone.client.post(url, data=PNG[:100], headers=auth(phone)).status_code == 200


def auth(phone):
    return {"Authorization": f"Bearer {phone.token}"}


UPLOAD = "/api/v1/records/<int:item_id>/uploads/<sha256>"
CHUNKS = "/api/v1/recordings/<uuid:recording_id>/chunks"
# A recording no one made: fixed, so the test ids are the same in every process (xdist).
UNKNOWN_RECORDING = uuid.UUID(int=0x5EED)
# (route, method, path, keyword arguments, the status meant): bad input for each route.
CASES = [
    ("/api/v1/sync/push", "POST", "/api/v1/sync/push", {"data": "[1"}, 422),
    ("/api/v1/sync/push", "POST", "/api/v1/sync/push", {"json": {"device_id": "{device}"}}, 422),
    ("/api/v1/sync/push", "POST", "/api/v1/sync/push", {"json": {
        "device_id": "{device}", "schema_version": 1, "mutations": [
            {"seq": 9, "op": "note.create", "id": str(uuid.uuid4()),
             "hlc": "1800000000000-0000-a", "data": {}}]}}, 409),
    ("/api/v1/sync/push", "GET", "/api/v1/sync/push", {}, 405),
    ("/api/v1/sync/pull", "POST", "/api/v1/sync/pull", {"json": {"device_id": "{device}",
                                                                 "cursor": "²"}}, 422),
    ("/api/v1/sync/pull", "POST", "/api/v1/sync/pull", {"json": {"device_id": "x"}}, 422),
    (CHUNKS, "GET", f"/api/v1/recordings/{UNKNOWN_RECORDING}/chunks", {}, 404),
    (CHUNKS + "/<int(min=0):index>", "PUT", "/api/v1/recordings/{recording}/chunks/0",
     {"data": WEBM_HEAD, "headers": {"X-Content-SHA256": "0" * 64}}, 422),
    (CHUNKS + "/<int(min=0):index>", "PUT", "/api/v1/recordings/{recording}/chunks/0",
     {"data": b"not a recording", "headers": {
         "X-Content-SHA256": hashlib.sha256(b"not a recording").hexdigest()}}, 415),
    (UPLOAD, "GET", "/api/v1/records/999999/uploads/{sha}", {}, 404),
    (UPLOAD, "GET", "/api/v1/records/99999999999999999999/uploads/{sha}", {}, 404),
    (UPLOAD, "GET", "/api/v1/records/١/uploads/{sha}", {}, 404),  # an Arabic-Indic 1
    (CHUNKS + "/<int(min=0):index>", "PUT",
     "/api/v1/recordings/{recording}/chunks/99999999999999999999", {"data": WEBM_HEAD}, 404),
    (UPLOAD, "POST", "/api/v1/records/{item}/uploads/{sha}", {"data": PNG}, 422),
    (UPLOAD, "POST", "/api/v1/records/{item}/uploads/{sha}?offset=0", {"data": PNG}, 422),
    (UPLOAD, "POST", "/api/v1/records/{item}/uploads/{sha}?offset=٠&size=١٠", {"data": PNG}, 422),
    (UPLOAD, "POST", "/api/v1/records/{item}/uploads/{sha}?offset=0&size=%2B5", {"data": PNG}, 422),
    (UPLOAD, "POST", f"/api/v1/records/{{item}}/uploads/{{sha}}?offset=0&size={BIG}",
     {"data": PNG}, 422),
    (UPLOAD, "POST", "/api/v1/records/{item}/uploads/{sha}?offset=0&size=4", {"data": b"text"},
     422),
    (UPLOAD, "POST", f"/api/v1/records/{{item}}/uploads/{{sha}}?offset=0&size={len(PNG)}",
     {"data": PNG[:-1] + b"?"}, 422),
    (UPLOAD, "POST", f"/api/v1/records/{{item}}/uploads/{{sha}}?offset=5&size={len(PNG)}",
     {"data": PNG[5:]}, 409),
    (None, "GET", "/api/v1/no/such/route", {}, 404),
]


def routed(app, path, method):
    try:
        app.url_map.bind("localhost").match(path.partition("?")[0], method)
    except HTTPException:
        return False
    return True


def filled(value, ids):
    """The case's text, dicts and lists with the test's ids put in."""
    if isinstance(value, str):
        return value.format(**ids) if "{" in value else value
    if isinstance(value, dict):
        return {key: filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [filled(item, ids) for item in value]
    return value


@pytest.mark.parametrize("route, method, path, kwargs, status", CASES,
                         ids=[f"{c[1]} {c[2]} {c[4]}" for c in CASES])
@pytest.mark.parametrize("token", ["good", "none"])
def test_every_api_error_is_in_the_envelope(app, phone, ids, route, method, path, kwargs,
                                            status, token):
    kwargs, path = filled(kwargs, ids), filled(path, ids)
    headers = {**kwargs.pop("headers", {}), **(auth(phone) if token == "good" else {})}
    if status == 409 and route == UPLOAD:
        photo_sent_halfway(phone, ids)
    response = phone.client.open(path, method=method, headers=headers, **kwargs)
    # Without a token, a route that exists and takes the method asks for one first.
    expected = 401 if token == "none" and routed(app, path, method) else status
    assert response.status_code == expected, response.get_data(as_text=True)
    body = response.get_json()
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], dict)
    assert set(body) - {"code", "message", "errors"} <= EXTRA
    if expected == 409 and route == UPLOAD:
        assert body["offset"] == 100  # where the photo stands: resume from there


def test_the_cases_cover_every_api_route(app):
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")}
    assert routes == {case[0] for case in CASES} - {None}
