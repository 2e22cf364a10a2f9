"""Bounds on what the home computer keeps: a recording of at most four hours, a
household's share, partial photo uploads gone after a day; and the figures a
`doctor` (for now `flask storage`) reports against the free disk."""

import hashlib
import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.api.test_recordings import Channel, chunk, start, stop
from webapp.extensions import db
from webapp.models import RecordingChunk
from webapp.models._types import utcnow
from webapp.services import capture, case_records, storage
from webapp.services.blobs import files_root

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.7\n" + b"x" * 400_000


@pytest.fixture
def channel(phone, visit, owner):
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    db.session.commit()
    recording_id, rejected = start(phone, visit)
    assert rejected == []
    return Channel(phone, recording_id)


@pytest.fixture
def record(visit, owner):
    item = case_records.add_item(visit.case, owner, "Scans")
    db.session.commit()
    return item


def send_piece(client, headers, record, data, size=None, offset=0, digest=None):
    digest = digest or hashlib.sha256(data).hexdigest()
    return client.post(f"/api/v1/records/{record.id}/uploads/{digest}"
                       f"?offset={offset}&size={size or len(data)}&name=scan.pdf",
                       data=data, headers=headers)


def test_the_recording_bound_is_four_hours_at_the_phones_bitrate():
    """The phone asks MediaRecorder for this bitrate and stops at four hours: honest
    use never meets the computer's bound, which leaves room for a browser above it."""
    recorder = (ROOT / "static/js/behaviours/recorder.js").read_text()
    bitrate = int(re.search(r"BITS_PER_SECOND = ([\d_]+);", recorder)[1].replace("_", ""))
    hours = int(re.search(r"MAX_RECORDING_MS = (\d+) \* 3600 \* 1000;", recorder)[1])
    assert (bitrate, hours) == (storage.RECORDER_BITS_PER_SECOND, storage.MAX_RECORDING_HOURS)
    assert storage.MAX_RECORDING_BYTES >= hours * 3600 * bitrate // 8 * 2
    assert "audioBitsPerSecond: BITS_PER_SECOND" in recorder


def test_a_recording_the_phone_stopped_at_four_hours_says_so_at_home(channel, phone, visit,
                                                                    signed_in):
    recording_id = channel.url.split("/")[4]
    assert channel.put(0, chunk(0)).status_code == 201
    assert stop(phone, visit, recording_id, 1, stop_reason="time_limit") == []
    page = signed_in.get(f"/visits/{visit.id}/summary").text
    assert "Stopped at 4 hours, the longest a recording can be." in page


def test_a_recording_past_its_bound_is_refused_and_keeps_what_arrived(channel, monkeypatch):
    monkeypatch.setattr(storage, "MAX_RECORDING_BYTES", 5000)
    assert channel.put(0, chunk(0)).status_code == 201
    assert channel.put(1, chunk(1)).status_code == 201
    refused = channel.put(2, chunk(2))
    assert refused.status_code == 507 and refused.get_json()["code"] == "no_room"
    assert "4 hours" in refused.get_json()["message"]
    assert channel.state()["received"] == [0, 1]
    assert channel.put(1, chunk(1)).status_code == 200  # sent again: taken as before


def test_a_recording_has_at_most_a_part_a_second_for_four_hours(channel, phone, visit):
    """Twice the parts the phone's two-second chunks make in four hours; no more rows."""
    assert storage.MAX_RECORDING_HOURS * 3600 == 14_400
    assert channel.put(14_399, chunk(1)).status_code == 201
    assert channel.put(14_400, chunk(2)).status_code == 422
    rejected = stop(phone, visit, channel.url.split("/")[4], 14_401)
    assert [r["code"] for r in rejected] == ["validation_failed"]


@pytest.mark.app_config(HOUSEHOLD_STORAGE_MB=1)
def test_a_household_past_its_share_is_refused_with_a_clear_message(channel, stranger):
    big = [chunk(i, 400_000) for i in range(3)]
    assert [channel.put(i, data).status_code for i, data in enumerate(big[:2])] == [201, 201]
    refused = channel.put(2, big[2])
    assert refused.status_code == 507
    assert "full" in refused.get_json()["message"]
    assert db.session.query(RecordingChunk).count() == 2
    assert storage.used(channel.phone.device.member.household_id) == sum(map(len, big[:2]))
    assert storage.used(stranger.household_id) == 0


@pytest.mark.app_config(HOUSEHOLD_STORAGE_MB=1)
def test_photos_count_towards_the_share_and_wait_on_the_phone_for_room(app, channel, phone,
                                                                      record, signed_in):
    """No room is the home computer's state, not a fault of the photo: 507 with the
    message (the phone keeps the photo and tries again at a later sync), never the
    422 that makes the phone give it up for good; once there is room, it goes."""
    assert channel.put(0, chunk(0, 400_000)).status_code == 201
    auth = {"Authorization": f"Bearer {phone.token}"}
    assert send_piece(phone.client, auth, record, PDF).status_code == 200
    other = PDF + b"another"
    refused = send_piece(phone.client, auth, record, other)
    assert refused.status_code == 507
    assert refused.get_json()["code"] == "no_room"
    assert refused.get_json()["message"] == storage.NO_ROOM
    assert not (storage.partial_path(files_root(), record.id,
                                     hashlib.sha256(other).hexdigest())).exists()
    page = signed_in.post(f"/cases/{record.case_id}/records/{record.id}/attachments",
                          data={"file": (io.BytesIO(other), "scan.pdf")},
                          content_type="multipart/form-data")
    assert page.status_code == 422 and "full" in page.text  # the form says it beside the field
    digest = hashlib.sha256(other).hexdigest()  # the page's own uploader: the same answer
    piece = signed_in.post(f"/cases/{record.case_id}/records/{record.id}/uploads/{digest}"
                           f"?offset=0&size={len(other)}", data=other)
    assert piece.status_code == 507 and piece.get_json()["message"] == storage.NO_ROOM
    app.config["HOUSEHOLD_STORAGE_MB"] = 2  # room made at home
    assert send_piece(phone.client, auth, record, other).get_json()["done"] is True


def test_a_partial_upload_expires_a_day_after_its_last_piece(phone, record, app):
    auth = {"Authorization": f"Bearer {phone.token}"}
    digest = hashlib.sha256(PDF).hexdigest()
    assert send_piece(phone.client, auth, record, PDF[:1000], len(PDF), digest=digest) \
        .get_json() == {"offset": 1000, "done": False}
    root = files_root()
    part = storage.partial_path(root, record.id, digest)
    assert part.exists()
    storage.expire_partials(root, now=utcnow() + timedelta(hours=23))
    assert part.exists()
    storage.expire_partials(root, now=utcnow() + timedelta(days=1, minutes=1))
    assert not part.exists()


def test_starting_an_upload_clears_the_ones_left_for_a_day(phone, record):
    auth = {"Authorization": f"Bearer {phone.token}"}
    stale = hashlib.sha256(PDF).hexdigest()
    send_piece(phone.client, auth, record, PDF[:1000], len(PDF), digest=stale)
    part = storage.partial_path(files_root(), record.id, stale)
    two_days_ago = (utcnow() - timedelta(days=2)).timestamp()
    os.utime(part, (two_days_ago, two_days_ago))
    fresh = PDF + b"fresh"
    send_piece(phone.client, auth, record, fresh[:1000], len(fresh),
               digest=hashlib.sha256(fresh).hexdigest())
    assert not part.exists()
    assert storage.partial_path(files_root(), record.id,
                                hashlib.sha256(fresh).hexdigest()).exists()


def test_the_storage_command_reports_use_share_and_free_disk(app, channel):
    sound = chunk(0, 3 * 1024 * 1024)
    assert channel.put(0, sound).status_code == 201
    result = app.test_cli_runner().invoke(args=["storage"])
    assert result.exit_code == 0, result.output
    assert "Sam's family: 3.0 MB of 20.0 GB" in result.output
    assert "Free on this disk:" in result.output
    assert "Each recording: up to 4 hours (219.7 MB)." in result.output
    report = storage.report()
    assert report.share == 20 * 1024**3 and report.free > 0
    assert report.households == [("Sam's family", len(sound))]


@pytest.mark.app_config(HOUSEHOLD_STORAGE_MB=10**9)
def test_a_share_larger_than_the_free_disk_is_said(app, owner):
    result = app.test_cli_runner().invoke(args=["storage"])
    assert "This disk has less free space" in result.output
    assert storage.report().warnings
