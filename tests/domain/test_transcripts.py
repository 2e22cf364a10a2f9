"""Transcription on the home computer, behind a replaceable transcriber: the real
model cannot be downloaded here, so a fake one stands in for it."""

import hashlib
import struct

import pytest

from webapp.extensions import db
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


@pytest.fixture
def whole(owner, visit):
    """A recording that arrived whole, in two chunks."""
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/ogg;codecs=opus")
    sound = tiny_ogg()
    parts = [sound[:20], b"more sound"]
    for index, part in enumerate(parts):
        recordings.add_chunk(recording, index, hashlib.sha256(part).hexdigest(), part)
    recordings.stop_recording(recording, owner, 9000, "stopped", 2)
    db.session.commit()
    return recording, b"".join(parts)


def test_nothing_is_installed_by_default(app):
    assert transcripts.available() is False
    assert transcripts.installed() is None


def test_a_whole_recording_is_transcribed_with_the_case_words_as_hints(app, whole):
    recording, sound = whole
    fake = FakeTranscriber()
    app.config["TRANSCRIBER"] = fake
    assert transcripts.waiting() == [recording]
    transcripts.transcribe_one(recording)
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
        transcripts.transcribe_one(recording)


def test_the_summary_offers_transcribing_and_searches_the_transcript(app, signed_in, whole):
    recording, _ = whole
    page = signed_in.get(f"/visits/{recording.visit_id}/summary").text
    assert "Made after Dr Okafor agreed" in page and "Write out what was said" not in page
    app.config["TRANSCRIBER"] = FakeTranscriber()
    assert "Write out what was said" in signed_in.get(f"/visits/{recording.visit_id}/summary").text
    answer = signed_in.post(f"/visits/{recording.visit_id}/recordings/{recording.id}/transcribe")
    assert answer.status_code == 303
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
    page = signed_in.get(answer.headers["Location"]).text
    assert "could not write out the recording" in page and "The recording itself" in page
    db.session.expire_all()
    assert db.session.get(type(recording), recording.id).transcript is None
    assert "could not write out" not in signed_in.get(
        f"/visits/{recording.visit_id}/summary").text  # said once, where it was asked
