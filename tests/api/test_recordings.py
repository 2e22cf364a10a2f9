"""The recording chunk channel and the recording ops: duplicates, out of order,
too big, the wrong type, cut short; nothing partial offered as whole."""

import hashlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import Member, Recording, RecordingChunk
from webapp.models._types import utcnow
from webapp.services import capture, recordings
from webapp.services.blobs import stored_path

WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"


def chunk(index, size=2000):
    """A chunk as MediaRecorder makes them: the first starts with the container's header."""
    body = bytes((index * 7 + n) % 251 for n in range(size))
    return WEBM_HEAD + body if index == 0 else b"\x1f\x43\xb6\x75" + body


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Channel:
    def __init__(self, phone, recording_id):
        self.phone, self.url = phone, f"/api/v1/recordings/{recording_id}/chunks"

    def headers(self, data, digest=None):
        return {"Authorization": f"Bearer {self.phone.token}",
                "X-Content-SHA256": digest or sha(data)}

    def put(self, index, data, digest=None):
        return self.phone.client.put(f"{self.url}/{index}", data=data,
                                     headers=self.headers(data, digest))

    def state(self):
        return self.phone.client.get(self.url, headers=self.headers(b"")).get_json()


@pytest.fixture
def agreed(visit, owner):
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    db.session.commit()
    return visit


def start(phone, visit, recording_id=None, mime_type="audio/webm;codecs=opus"):
    recording_id = recording_id or uuid.uuid4()
    response = phone.push(phone.mutation("recording.start", {
        "visit_id": visit.id, "mime_type": mime_type}, id=recording_id))
    assert response.status_code == 200, response.get_json()
    return recording_id, response.get_json()["rejections"]


def stop(phone, visit, recording_id, chunk_count, **extra):
    response = phone.push(phone.mutation("recording.stop", {
        "visit_id": visit.id, "recording_id": str(recording_id), "duration_ms": 3000,
        "stop_reason": "stopped", "chunk_count": chunk_count, **extra}))
    assert response.status_code == 200
    return response.get_json()["rejections"]


@pytest.fixture
def channel(phone, agreed):
    recording_id, rejected = start(phone, agreed)
    assert rejected == []
    return Channel(phone, recording_id)


def test_recording_is_refused_before_anyone_agreed(phone, visit, owner):
    recording_id, rejected = start(phone, visit)
    assert [r["code"] for r in rejected] == ["validation_failed"]
    assert "Ask first" in rejected[0]["message"]
    capture.record_consent(visit, owner, "declined", "Dr Okafor")
    db.session.commit()
    _, rejected = start(phone, visit)
    assert [r["code"] for r in rejected] == ["validation_failed"]
    assert db.session.query(Recording).count() == 0


def test_a_recording_keeps_the_agreement_it_was_made_under(phone, agreed):
    recording_id, rejected = start(phone, agreed)
    assert rejected == []
    recording = db.session.get(Recording, recording_id)
    assert recording.consent.kind == "agreed" and recording.consent.who == "Dr Okafor"


def test_out_of_order_chunks_are_taken_and_only_the_whole_is_complete(channel, phone, agreed):
    parts = [chunk(i) for i in range(4)]
    for index in (2, 0, 3):
        assert channel.put(index, parts[index]).status_code == 201
    assert channel.state() == {"received": [0, 2, 3], "chunk_count": None, "complete": False,
                               "deleted": False}
    assert stop(phone, agreed, channel.url.split("/")[4], 4) == []
    state = channel.state()
    assert state["complete"] is False and state["chunk_count"] == 4
    recording = db.session.get(Recording, uuid.UUID(channel.url.split("/")[4]))
    with pytest.raises(recordings.NotFound):
        recordings.audio(recording)  # partial: never offered as whole
    assert channel.put(1, parts[1]).status_code == 201
    assert channel.state()["complete"] is True
    db.session.expire_all()
    assert b"".join(recordings.audio(db.session.get(Recording, recording.id)).blocks()) \
        == b"".join(parts)


def test_the_same_chunk_twice_is_stored_once(channel, app):
    data = chunk(0)
    assert channel.put(0, data).status_code == 201
    assert channel.put(0, data).status_code == 200
    assert db.session.query(RecordingChunk).count() == 1
    files = [p for p in (app.config["ATTACHMENTS_DIR"] and
                         stored_path(app.config["ATTACHMENTS_DIR"], sha(data)).parent.iterdir())]
    assert [f.name for f in files] == [sha(data)]


def test_another_chunk_at_a_stored_index_is_refused(channel):
    assert channel.put(1, chunk(1)).status_code == 201
    refused = channel.put(1, chunk(5))
    assert refused.status_code == 409 and refused.get_json()["code"] == "conflict"
    assert channel.state()["received"] == [1]


def test_an_oversized_chunk_is_refused(channel):
    refused = channel.put(0, WEBM_HEAD + b"\x00" * recordings.MAX_CHUNK_BYTES)
    assert refused.status_code == 413 and refused.get_json()["code"] == "too_large"
    assert channel.state()["received"] == []


@pytest.mark.parametrize("index, data", [
    (0, b"%PDF-1.7 not sound at all"),
    (0, b"OggS\x00\x02 an ogg page in a webm recording"),
    (0, b"\x1f\x43\xb6\x75 a continuation cannot come first"),
    (3, b"\x89PNG\r\n\x1a\n a photo in the middle"),
    (3, b"\x00\x00\x00\x18ftypmp42 another container"),
])
def test_a_chunk_of_the_wrong_type_is_refused(channel, index, data):
    refused = channel.put(index, data)
    assert refused.status_code == 415 and refused.get_json()["code"] == "unsupported_type"
    assert channel.state()["received"] == []


def test_a_truncated_chunk_keeps_nothing(channel, app):
    whole = chunk(0)
    refused = channel.put(0, whole[:-100], digest=sha(whole))
    assert refused.status_code == 422
    assert channel.state()["received"] == []
    assert not stored_path(app.config["ATTACHMENTS_DIR"], sha(whole)).exists()
    assert not stored_path(app.config["ATTACHMENTS_DIR"], sha(whole[:-100])).exists()
    assert channel.put(0, whole).status_code == 201  # sent again whole: kept


def test_a_chunk_beyond_the_end_is_refused(channel, phone, agreed):
    assert stop(phone, agreed, channel.url.split("/")[4], 2) == []
    assert channel.put(2, chunk(2)).status_code == 422


@pytest.mark.parametrize("mime_type, head", [("audio/ogg;codecs=opus", b"OggS\x00\x02"),
                                             ("audio/mp4", b"\x00\x00\x00\x20ftypiso6")])
def test_each_container_is_known_by_its_first_bytes(phone, agreed, mime_type, head):
    recording_id, rejected = start(phone, agreed, mime_type=mime_type)
    assert rejected == []
    assert Channel(phone, recording_id).put(0, head + b"\x01" * 100).status_code == 201


def test_deleting_removes_the_files_and_tombstones_the_recording(channel, phone, agreed, app):
    recording_id = channel.url.split("/")[4]
    parts = [chunk(i) for i in range(2)]
    for index, data in enumerate(parts):
        channel.put(index, data)
    _, cursor = None, phone.pull().get_json()["cursor"]
    response = phone.push(phone.mutation("recording.delete", {
        "visit_id": agreed.id, "recording_id": recording_id}))
    assert response.get_json()["rejections"] == []
    root = app.config["ATTACHMENTS_DIR"]
    assert not any(stored_path(root, sha(data)).exists() for data in parts)
    assert db.session.query(RecordingChunk).count() == 0
    changes = phone.pull(cursor).get_json()["changes"]
    assert {"entity": "recording", "id": recording_id, "deleted": True} in changes
    assert channel.put(0, parts[0]).status_code == 404  # gone: the phone drops it
    assert channel.state()["deleted"] is True


def test_a_file_shared_with_another_recording_stays(phone, agreed, app):
    first, _ = start(phone, agreed)
    second, _ = start(phone, agreed)
    same = chunk(0)
    for recording_id in (first, second):
        assert Channel(phone, recording_id).put(0, same).status_code == 201
    phone.push(phone.mutation("recording.delete", {"visit_id": agreed.id,
                                                    "recording_id": str(first)}))
    assert stored_path(app.config["ATTACHMENTS_DIR"], sha(same)).exists()


def test_notes_answers_and_ticks_keep_their_moment(phone, agreed, channel):
    recording_id = channel.url.split("/")[4]
    question = str(agreed.questions[0].id)
    moment = {"recording_id": recording_id}
    response = phone.push(
        phone.mutation("note.create", {"visit_id": agreed.id, "text": "Dose changes", "tags": [],
                                       **moment, "recording_offset_ms": 4200}),
        phone.mutation("answer.create", {"visit_id": agreed.id, "question_id": question,
                                         "text": "Yes", **moment, "recording_offset_ms": 9000}),
        phone.mutation("question.mark_asked", {"visit_id": agreed.id, "question_id": question,
                                               "asked": True, **moment,
                                               "recording_offset_ms": 8000}),
        phone.mutation("note.create", {"visit_id": agreed.id, "text": "Half a moment",
                                       "tags": [], **moment}))
    rejections = response.get_json()["rejections"]
    assert [r["seq"] for r in rejections] == [phone.seq]  # an offset without its recording
    recording = db.session.get(Recording, uuid.UUID(recording_id))
    assert [(offset, kind) for offset, kind, *_ in recordings.moments(agreed, recording)] == [
        (4200, "Note"), (8000, "Asked"), (9000, "Answer")]
    notes = [c for c in phone.pull().get_json()["changes"] if c["entity"] == "note"]
    assert notes[0]["data"]["recording_offset_ms"] == 4200


def test_a_stop_keeps_the_withdrawal_and_the_gaps(phone, agreed, channel):
    recording_id = channel.url.split("/")[4]
    withdrawn_at = utcnow().replace(microsecond=0).isoformat()
    assert stop(phone, agreed, recording_id, 0, stop_reason="withdrawn",
                withdrawn_at=withdrawn_at,
                gaps=[{"at_ms": 1000, "length_ms": 4000}]) == []
    assert stop(phone, agreed, recording_id, 5) == []  # sent again: the first stop stands
    recording = db.session.get(Recording, uuid.UUID(recording_id))
    assert (recording.stop_reason, recording.chunk_count) == ("withdrawn", 0)
    assert recording.withdrawn_at.isoformat() == withdrawn_at
    assert recording.gaps == [{"at_ms": 1000, "length_ms": 4000}]


@pytest.mark.parametrize("withdrawn_at", ["0001-01-01T00:00:00+01:00",
                                          "9999-12-31T23:59:59-01:00"])
def test_a_withdrawal_time_beyond_the_calendar_is_refused_not_a_fault(phone, agreed, channel,
                                                                     withdrawn_at):
    """In UTC it is before year 1 or after 9999: a rejection, never a 500 that
    jams the phone's outbox behind it."""
    recording_id = channel.url.split("/")[4]
    rejected = stop(phone, agreed, recording_id, 0, stop_reason="withdrawn",
                    withdrawn_at=withdrawn_at)
    assert [r["errors"] for r in rejected] == [{"withdrawn_at": ["This time could not be read."]}]
    assert db.session.get(Recording, uuid.UUID(recording_id)).chunk_count is None


def test_another_household_cannot_reach_a_recording(channel, stranger, app):
    from tests.webapp.test_inventory import paired_phone
    from webapp.models import Member

    client, device = paired_phone(app, Member.query.filter_by(name="Other").one())
    headers = {"Authorization": f"Bearer {device['token']}", "X-Content-SHA256": sha(chunk(0))}
    assert client.put(f"{channel.url}/0", data=chunk(0), headers=headers).status_code == 404
    assert client.get(channel.url, headers=headers).status_code == 404


def test_concurrent_uploads_store_each_chunk_once(channel):
    """Truly concurrent: threads, each request with its own session (PostgreSQL in
    scripts/with-postgres). The same chunk from four uploads at once is stored once;
    two different chunks racing for one index: one wins, the other hears 409."""
    same, rivals = chunk(0), [chunk(1), chunk(9)]
    barrier = threading.Barrier(6)

    def put(index, data):
        barrier.wait()
        return channel.put(index, data).status_code

    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(put, [0, 0, 0, 0, 1, 1], [same] * 4 + rivals))
    assert sorted(statuses[:4]) == [200, 200, 200, 201]
    assert sorted(statuses[4:]) == [201, 409]
    assert channel.state()["received"] == [0, 1]
    assert db.session.query(RecordingChunk).count() == 2


@pytest.mark.parametrize("ended", ["deleted", "stopped"])
def test_a_chunk_racing_a_delete_or_a_stop_keeps_nothing(channel, phone, agreed, app, ended):
    """The upload looked at the recording before another request's delete (or its
    stop, at one part) committed: the row it inserts must not outlive the recording."""
    from webapp.errors import NotFound, ValidationFailed

    recording_id = channel.url.split("/")[4]
    seen = db.session.get(Recording, uuid.UUID(recording_id))  # still open, as then
    ending = (phone.mutation("recording.delete", {"visit_id": agreed.id,
                                                  "recording_id": recording_id})
              if ended == "deleted" else phone.mutation("recording.stop", {
                  "visit_id": agreed.id, "recording_id": recording_id, "duration_ms": 3000,
                  "stop_reason": "stopped", "chunk_count": 1}))
    assert phone.device.id  # loaded here: the other thread has no app context
    with ThreadPoolExecutor(1) as other:  # another request, which leaves `seen` as it was
        answer = other.submit(phone.push, ending).result()
    assert answer.get_json()["rejections"] == []
    assert seen.deleted_at is None and seen.chunk_count is None
    data = chunk(3)
    with pytest.raises(NotFound if ended == "deleted" else ValidationFailed):
        recordings.add_chunk(seen, 3, sha(data), data)
    db.session.rollback()
    assert db.session.query(RecordingChunk).count() == 0
    assert not stored_path(app.config["ATTACHMENTS_DIR"], sha(data)).exists()


def test_the_summary_never_offers_a_partial_recording_as_whole(channel, phone, agreed, signed_in):
    recording_id = channel.url.split("/")[4]
    assert channel.put(0, chunk(0)).status_code == 201
    assert stop(phone, agreed, recording_id, 2) == []
    page = signed_in.get(f"/visits/{agreed.id}/summary").text
    assert "Still arriving from the phone: 1 of 2 parts." in page and "<audio" not in page
    assert "Made after Dr Okafor agreed" in page
    audio = f"/visits/{agreed.id}/recordings/{recording_id}/audio"
    assert signed_in.get(audio).status_code == 404
    assert channel.put(1, chunk(1)).status_code == 201
    assert "<audio" in signed_in.get(f"/visits/{agreed.id}/summary").text
    whole = signed_in.get(audio, headers={"Range": "bytes=0-9"})
    assert whole.status_code == 206 and whole.data == (chunk(0) + chunk(1))[:10]
    assert whole.headers["Content-Type"] == "audio/webm"


def test_delete_at_home_asks_first_and_tombstones(channel, agreed, signed_in, phone):
    recording_id = channel.url.split("/")[4]
    page = signed_in.get(f"/visits/{agreed.id}/summary").text
    assert "Delete this recording…" in page and "This cannot be undone." in page
    answer = signed_in.post(f"/visits/{agreed.id}/recordings/{recording_id}/delete")
    assert answer.status_code == 303
    assert "Nothing was recorded." in signed_in.get(f"/visits/{agreed.id}/summary").text
    changes = phone.pull("0").get_json()["changes"]
    assert {"entity": "recording", "id": recording_id, "deleted": True} in changes


def behind(minutes):
    """A reading of a phone clock `minutes` behind the home computer's."""
    ms = int((utcnow() - timedelta(minutes=minutes)).timestamp() * 1000)
    return f"{ms:013d}-0000-phone"


def start_named(phone, visit, consent_id, hlc):
    response = phone.push(phone.mutation("recording.start", {
        "visit_id": visit.id, "mime_type": "audio/webm", "consent_id": str(consent_id)}, hlc=hlc))
    assert response.status_code == 200
    return response.get_json()["rejections"]


def test_a_phone_whose_clock_runs_behind_records_under_the_agreement_it_showed(
        phone, visit, owner):
    """The agreement was logged at home (or on a phone ahead); this phone's clock says it
    started before it. By clocks alone it is refused for ever and its sound stranded."""
    consent = capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    db.session.commit()
    refused = phone.push(phone.mutation("recording.start", {
        "visit_id": visit.id, "mime_type": "audio/webm"}, hlc=behind(10)))
    assert [r["code"] for r in refused.get_json()["rejections"]] == ["validation_failed"]
    assert start_named(phone, visit, consent.id, behind(10)) == []
    assert db.session.query(Recording).one().consent_id == consent.id


def test_a_named_agreement_ended_before_the_start_or_not_an_agreement_counts_for_nothing(
        phone, visit, owner, stranger):
    agreed = capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    declined = capture.record_consent(visit, owner, "declined", "Dr Okafor")
    other = db.session.query(Member).filter_by(household_id=stranger.household_id).first()
    elsewhere = capture.record_consent(stranger, other, "agreed", "Dr Who")
    db.session.commit()
    for named in (agreed.id, declined.id, elsewhere.id, uuid.uuid4()):
        assert [r["code"] for r in start_named(phone, visit, named, behind(0))] \
            == ["validation_failed"], named
    assert db.session.query(Recording).count() == 0


def test_only_the_phone_that_recorded_sends_its_parts_or_ends_it(channel, phone, agreed, app):
    """A companion's phone (same case) sending a part first, or ending the recording with
    no parts, would have the real sound refused; it may not delete it either."""
    from tests.api.conftest import Phone
    from webapp.services import accounts, devices

    companion = accounts.invite_companion(agreed.case, "Grandma Rosa")
    device, token = devices.register_device(companion, "Rosa's phone")
    db.session.commit()
    rosa = Phone(app.test_client(), device, token)
    recording_id = channel.url.split("/")[-2]
    assert Channel(rosa, recording_id).put(0, chunk(0)).status_code == 404
    rejected = stop(rosa, agreed, recording_id, 0)
    assert [r["code"] for r in rejected] == ["not_found"]
    deleted = rosa.push(rosa.mutation("recording.delete", {
        "visit_id": agreed.id, "recording_id": recording_id}))
    assert [r["code"] for r in deleted.get_json()["rejections"]] == ["not_found"]
    recording = db.session.get(Recording, uuid.UUID(recording_id))
    assert (recording.chunk_count, recording.deleted_at, recording.chunks) == (None, None, [])
    # The phone that made it still can.
    assert channel.put(0, chunk(0)).status_code == 201
    assert stop(phone, agreed, recording_id, 1) == []
