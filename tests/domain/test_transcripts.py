"""Transcription on the home computer, behind a replaceable transcriber: the real
model cannot be downloaded here, so a fake one stands in for it."""

import hashlib
import re
import struct
import threading
from datetime import timedelta

import pytest

from tests.webapp.test_companions import companion  # noqa: F401  (a fixture)
from webapp.errors import NotFound
from webapp.extensions import db
from webapp.models import TranscriptionJob
from webapp.models._types import utcnow
from webapp.services import capture, recordings, transcripts


def tiny_ogg():
    """A tiny Ogg file the test makes: one page header and a few bytes of 'sound'."""
    header = b"OggS" + struct.pack("<BBqIIIB", 0, 2, 0, 1, 0, 0, 1) + bytes([20])
    return header + b"OpusHead" + bytes(12)


class FakeTranscriber:
    def __init__(self):
        self.calls = []

    def transcribe(self, audio, mime_type, hints):
        self.calls.append((audio.read_bytes(), mime_type, hints))
        return [{"start_ms": 0, "end_ms": 4000, "text": "We start with two weeks of steroids."},
                {"start_ms": 4000, "end_ms": 9000, "text": "Then methotrexate once a week."}]


@pytest.fixture(autouse=True)
def in_the_test(app):
    """Jobs run when a test says (transcripts.work), unless it starts the worker thread."""
    app.config["TRANSCRIBE_IN_BACKGROUND"] = False


def make_whole(owner, visit):
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/ogg;codecs=opus")
    sound = tiny_ogg()
    parts = [sound[:20], b"more sound"]
    for index, part in enumerate(parts):
        recordings.add_chunk(recording, index, hashlib.sha256(part).hexdigest(), part)
    recordings.stop_recording(recording, owner, 9000, "stopped", 2)
    db.session.commit()
    return recording, b"".join(parts)


@pytest.fixture
def whole(owner, visit):
    """A recording that arrived whole, in two chunks."""
    return make_whole(owner, visit)


def test_nothing_is_installed_by_default(app):
    assert transcripts.available() is False
    assert transcripts.installed() is None


def test_a_whole_recording_is_transcribed_with_the_case_words_as_hints(app, whole):
    recording, sound = whole
    fake = FakeTranscriber()
    app.config["TRANSCRIBER"] = fake
    assert transcripts.waiting() == [recording]
    transcripts.transcribe(recording, fake)
    db.session.commit()
    audio, mime_type, hints = fake.calls[0]
    assert audio == sound and mime_type == "audio/ogg;codecs=opus"
    assert "Acute lymphoblastic leukaemia" in hints and "Chemotherapy" in hints
    assert [p["start_ms"] for p in recording.transcript] == [0, 4000]
    assert transcripts.waiting() == []
    assert [p["text"] for p in transcripts.search(recording, "METHOTREXATE week")] == [
        "Then methotrexate once a week."]


def test_a_recording_still_arriving_is_not_transcribed(app, owner, visit):
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/ogg")
    recordings.stop_recording(recording, owner, 9000, "stopped", 2)
    app.config["TRANSCRIBER"] = FakeTranscriber()
    assert transcripts.waiting() == []
    with pytest.raises(recordings.NotFound):
        transcripts.ask(recording, owner)


def test_the_summary_offers_transcribing_and_searches_the_transcript(app, signed_in, whole):
    recording, _ = whole
    page = signed_in.get(f"/visits/{recording.visit_id}/summary").text
    assert "Made after Dr Okafor agreed" in page and "Write out what was said" not in page
    app.config["TRANSCRIBER"] = FakeTranscriber()
    assert "Write out what was said" in signed_in.get(f"/visits/{recording.visit_id}/summary").text
    answer = signed_in.post(f"/visits/{recording.visit_id}/recordings/{recording.id}/transcribe")
    assert answer.status_code == 303
    assert len(transcripts.work()) == 1
    found = signed_in.get(f"/visits/{recording.visit_id}/summary?q=steroids").text
    assert "two weeks of steroids" in found and "methotrexate once" not in found
    assert 'data-seek-ms="0" data-lead-in="0"' in found


def test_the_command_transcribes_what_waits(app, whole):
    recording, _ = whole
    app.config["TRANSCRIBER"] = FakeTranscriber()
    result = app.test_cli_runner().invoke(args=["transcribe"])
    assert "Transcribed the recording" in result.output
    assert db.session.get(type(recording), recording.id).transcript


def test_the_command_says_when_nothing_is_installed(app):
    result = app.test_cli_runner().invoke(args=["transcribe"])
    assert result.exit_code != 0 and "No transcriber is installed" in result.output


class BrokenTranscriber:
    def __init__(self, fault):
        self.fault = fault

    def transcribe(self, audio, mime_type, hints):
        if isinstance(self.fault, Exception):
            raise self.fault
        return self.fault  # pieces of the wrong shape


@pytest.mark.parametrize("fault", [RuntimeError("CUDA out of memory"), MemoryError(),
                                   [{"start": 0}], [{"start_ms": "soon", "end_ms": 1,
                                                     "text": "x"}]])
def test_a_transcriber_that_fails_is_said_kindly_and_keeps_nothing(app, signed_in, whole, fault):
    recording, _ = whole
    app.config["TRANSCRIBER"] = BrokenTranscriber(fault)
    answer = signed_in.post(f"/visits/{recording.visit_id}/recordings/{recording.id}/transcribe")
    assert answer.status_code == 303
    assert [job.status for job in transcripts.work()] == ["failed"]
    page = signed_in.get(answer.headers["Location"]).text
    assert "could not write out the recording" in page and "The recording itself" in page
    assert "Try again" in page
    db.session.expire_all()
    assert db.session.get(type(recording), recording.id).transcript is None
    app.config["TRANSCRIBER"] = FakeTranscriber()  # tried again, it works: the fault is gone
    signed_in.post(f"/visits/{recording.visit_id}/recordings/{recording.id}/transcribe")
    assert [job.status for job in transcripts.work()] == ["done"]
    assert "could not write out" not in signed_in.get(
        f"/visits/{recording.visit_id}/summary").text



def test_only_a_parent_asks_and_a_double_tap_makes_one_job(app, whole, owner, rosa):
    recording, _ = whole
    app.config["TRANSCRIBER"] = FakeTranscriber()
    with pytest.raises(NotFound):
        transcripts.ask(recording, rosa)
    first = transcripts.ask(recording, owner)
    second = transcripts.ask(recording, owner)
    db.session.commit()
    assert first.id == second.id and TranscriptionJob.query.count() == 1
    assert (first.status, first.requested_by_id) == ("queued", owner.id)


def test_a_written_out_recording_is_written_again_only_when_asked(app, whole, owner):
    recording, _ = whole
    fake = app.config["TRANSCRIBER"] = FakeTranscriber()
    transcripts.ask(recording, owner)
    transcripts.work()
    assert transcripts.ask(recording, owner).status == "done"  # once: no new job
    again = transcripts.ask(recording, owner, redo=True)
    assert again.status == "queued" and TranscriptionJob.query.count() == 2
    transcripts.work()
    assert len(fake.calls) == 2


@pytest.fixture
def two_asked(app, whole, owner, visit):
    """Two whole recordings a parent asked to write out, the first one first."""
    first, _ = whole
    second, _ = make_whole(owner, visit)
    app.config["TRANSCRIBER"] = FakeTranscriber()  # the page offers it: one is installed
    transcripts.ask(first, owner)
    transcripts.ask(second, owner)
    db.session.commit()
    return first, second


def test_one_job_runs_at_a_time_the_oldest_first(app, two_asked):
    first, second = two_asked
    running = transcripts.claim()
    assert running.recording_id == first.id and running.status == "running"
    assert transcripts.claim() is None  # another worker (another process) waits its turn
    transcripts.run(running, app.config["TRANSCRIBER"])
    assert transcripts.claim().recording_id == second.id


class WaitingTranscriber(FakeTranscriber):
    """Holds the worker mid-way until the test lets it go."""

    def __init__(self):
        super().__init__()
        self.go = threading.Event()

    def transcribe(self, audio, mime_type, hints):
        assert self.go.wait(30)
        return super().transcribe(audio, mime_type, hints)


def test_the_worker_writes_out_outside_the_request_and_the_page_polls(app, signed_in, whole):
    recording, _ = whole
    app.config.update(TRANSCRIBER=WaitingTranscriber(), TRANSCRIBE_IN_BACKGROUND=True)
    base = f"/visits/{recording.visit_id}/recordings/{recording.id}"
    poll = {"HX-Request": "true", "HX-Target": f"transcript-state-{recording.id}"}
    try:
        assert signed_in.post(f"{base}/transcribe").status_code == 303  # answered at once
        page = signed_in.get(f"/visits/{recording.visit_id}/summary").text
        assert "Writing out what was said" in page
        assert re.search(rf'hx-get="{base}/transcript" hx-trigger="every 3s"', page)
        assert 'hx-trigger="every 3s"' in signed_in.get(f"{base}/transcript", headers=poll).text
    finally:
        app.config["TRANSCRIBER"].go.set()
        transcripts.kick(app).join(30)
    done = signed_in.get(f"{base}/transcript", headers=poll).text
    assert "two weeks of steroids" in done and "every 3s" not in done and "Written out" in done
    assert "Write it out again" in done
    for page in ({}, {"HX-Request": "true", "HX-Boosted": "true"}):  # opened as a page
        assert signed_in.get(f"{base}/transcript", headers=page).status_code == 303


def test_a_companion_is_not_offered_writing_out_and_cannot_ask(app, companion, whole):  # noqa: F811
    recording, _ = whole
    app.config["TRANSCRIBER"] = FakeTranscriber()
    page = companion.get(f"/visits/{recording.visit_id}/summary").text
    assert "Made after Dr Okafor agreed" in page and "Write out what was said" not in page
    refused = companion.post(f"/visits/{recording.visit_id}/recordings/{recording.id}/transcribe")
    assert refused.status_code == 404 and TranscriptionJob.query.count() == 0


def test_a_transcriber_that_cannot_start_fails_its_job_and_frees_the_queue(app, two_asked, owner,
                                                                           monkeypatch):
    """The model is loaded when the first job runs (faster-whisper fetches it then): a
    computer offline at that moment must not leave the job "running" for hours,
    blocking every other one."""
    first, second = two_asked

    def cannot_start():
        raise OSError("the model could not be fetched")

    monkeypatch.setattr(transcripts, "installed", cannot_start)
    assert [job.status for job in transcripts.work()] == ["failed", "failed"]
    assert TranscriptionJob.query.filter_by(status="running").count() == 0
    monkeypatch.undo()
    assert transcripts.ask(first, owner).status == "queued"  # asked again, it is tried again


def test_a_job_cut_off_with_its_computer_is_tried_once_more_then_frees_the_queue(two_asked):
    """The server stopped mid-way (a restart, a power cut): its job says "running" but
    no worker keeps it alive. It must not block the queue for hours."""
    first, second = two_asked
    start = utcnow()
    assert transcripts.claim(now=start).recording_id == first.id  # then the computer stops
    assert transcripts.claim(now=start + timedelta(minutes=1)) is None  # not yet told apart
    again = transcripts.claim(now=start + timedelta(minutes=3))
    assert (again.recording_id, again.status) == (first.id, "running")  # tried once more
    later = transcripts.claim(now=start + timedelta(minutes=6))  # and cut off again
    assert later.recording_id == second.id
    job = db.session.get(TranscriptionJob, again.id)
    assert (job.status, job.live) == ("failed", False)


def test_a_long_recording_written_out_for_hours_keeps_its_turn(two_asked):
    start = utcnow()
    running = transcripts.claim(now=start)
    later = start + timedelta(hours=4)
    transcripts.beat(running.id, running.attempts, now=later - timedelta(seconds=30))
    assert transcripts.claim(now=later) is None  # its worker is alive: no second one starts
    db.session.expire_all()
    assert db.session.get(TranscriptionJob, running.id).status == "running"


def test_the_worker_keeps_its_job_alive_while_it_writes_out(app, whole, owner, monkeypatch):
    recording, _ = whole
    app.config.update(TRANSCRIBER=FakeTranscriber(),
                      TRANSCRIBE_HEARTBEAT=timedelta(milliseconds=10))
    transcripts.ask(recording, owner)
    db.session.commit()
    job = transcripts.claim()
    claimed = job.heartbeat_at
    beaten, beat = threading.Event(), transcripts.beat

    def beat_and_tell(*args, **kwargs):
        beat(*args, **kwargs)
        beaten.set()

    monkeypatch.setattr(transcripts, "beat", beat_and_tell)

    class HeldUntilBeaten(FakeTranscriber):
        def transcribe(self, audio, mime_type, hints):
            assert beaten.wait(30)  # a long recording: the worker says it is alive meanwhile
            return super().transcribe(audio, mime_type, hints)

    assert transcripts.run(job, HeldUntilBeaten()).status == "done"
    assert db.session.get(TranscriptionJob, job.id).heartbeat_at > claimed
