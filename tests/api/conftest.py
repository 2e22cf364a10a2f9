import uuid
from contextlib import contextmanager

import pytest

from tests.conftest import FreshSessionClient, database_url
from webapp import create_app
from webapp.extensions import db
from webapp.services import clock, devices


class Phone:
    """A device speaking the sync protocol, with its own seq counter."""

    def __init__(self, client, device, token):
        self.client, self.device, self.token = client, device, token
        self.device_id = str(device.id)  # read once: a push may come from another thread
        self.seq = 0

    def mutation(self, op, data, id=None, hlc=None, seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {"seq": seq, "op": op, "id": str(id or uuid.uuid4()),
                "hlc": hlc or clock.next_hlc(node="phone"), "data": data}

    def push(self, *mutations, headers=None, **body):
        payload = {"device_id": self.device_id, "schema_version": 1,
                   "mutations": list(mutations), **body}
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.client.post("/api/v1/sync/push", json=payload, headers=headers)

    def pull(self, cursor=None):
        return self.client.post("/api/v1/sync/pull",
                                json={"device_id": self.device_id, "cursor": cursor},
                                headers={"Authorization": f"Bearer {self.token}"})


def apply(replica, body):
    """Apply a pull to a phone's copy as the phone does; return the keys it named."""
    if body["reset"]:
        replica.clear()
    for change in body["changes"]:
        key = (change["entity"], change["id"])
        if change["deleted"]:
            replica.pop(key, None)
        else:
            replica[key] = change["data"]
    return {(change["entity"], change["id"]) for change in body["changes"]}


@pytest.fixture
def make_phone(app, owner):
    def make(name="Phone"):
        device, token = devices.register_device(owner, name)
        db.session.commit()
        return Phone(app.test_client(), device, token)
    return make


@pytest.fixture
def phone(make_phone):
    return make_phone()


@contextmanager
def own_app(folder):
    """An app with a database of its own, emptied after, for tests that cannot use `app`
    (Hypothesis runs many examples in one test)."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test only", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": database_url(folder),
                      "ATTACHMENTS_DIR": str(folder / "attachments")})
    app.test_client_class = FreshSessionClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
