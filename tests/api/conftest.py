import uuid

import pytest

from webapp.extensions import db
from webapp.services import clock, devices


class Phone:
    """A device speaking the sync protocol, with its own seq counter."""

    def __init__(self, client, device, token):
        self.client, self.device, self.token = client, device, token
        self.seq = 0

    def mutation(self, op, data, id=None, hlc=None, seq=None):
        if seq is None:
            self.seq += 1
            seq = self.seq
        return {"seq": seq, "op": op, "id": str(id or uuid.uuid4()),
                "hlc": hlc or clock.next_hlc(node="phone"), "data": data}

    def push(self, *mutations, headers=None, **body):
        payload = {"device_id": str(self.device.id), "schema_version": 1,
                   "mutations": list(mutations), **body}
        headers = {"Authorization": f"Bearer {self.token}", **(headers or {})}
        return self.client.post("/api/v1/sync/push", json=payload, headers=headers)

    def pull(self, cursor=None):
        return self.client.post("/api/v1/sync/pull",
                                json={"device_id": str(self.device.id), "cursor": cursor},
                                headers={"Authorization": f"Bearer {self.token}"})


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
