"""Optional transcription of recordings, on the home computer only, never sent anywhere.

A Transcriber turns an audio file into timed pieces of text. None is installed by
default: `pip install -e ".[transcribe]"` adds faster-whisper, which runs a
Whisper model on this computer's CPU (README: "Transcripts"). Tests, and anyone
who prefers another engine, set TRANSCRIBER in the app's config to any object
with the same `transcribe` method.

The case's own words (diagnosis, treatment, medicines, conditions) are given
to the model as hints, so it spells them as the family does.
"""

import importlib.util
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from webapp.errors import NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Recording
from webapp.services import recordings

NOT_WRITTEN_OUT = ("This computer could not write out the recording. The recording itself "
                   "is safe: you can listen to it, and try again later.")


class Transcriber(Protocol):
    def transcribe(self, audio: Path, mime_type: str, hints: list[str]) -> list[dict]:
        """Return [{start_ms, end_ms, text}] for the audio file, in order."""


class WhisperTranscriber:
    """faster-whisper on the CPU; the model (WHISPER_MODEL, "base" unless set) is
    fetched once from Hugging Face on first use, then kept on this computer."""

    def __init__(self, size):
        from faster_whisper import WhisperModel  # the optional extra

        self.model = WhisperModel(size, device="cpu", compute_type="int8")

    def transcribe(self, audio, mime_type, hints):
        pieces, _ = self.model.transcribe(str(audio), initial_prompt=", ".join(hints) or None,
                                          vad_filter=True)
        return [{"start_ms": round(p.start * 1000), "end_ms": round(p.end * 1000),
                 "text": p.text.strip()} for p in pieces]


def available():
    """Tell whether this computer has a transcriber (without loading its model)."""
    if current_app.config.get("TRANSCRIBER") is not None:
        return True
    return importlib.util.find_spec("faster_whisper") is not None


def installed():
    """Return the transcriber this computer has, or None (the default: nothing installed)."""
    if not available():
        return None
    return (current_app.config.get("TRANSCRIBER")
            or WhisperTranscriber(current_app.config.get("WHISPER_MODEL", "base")))


def hints(case):
    """The case's own words, for the model to expect."""
    words = [case.diagnosis, case.proposed_treatment, case.child.conditions,
             *(item.name for item in case.child.medicines)]
    return [word.strip() for word in words if word and word.strip()][:20]


def transcribe(recording, transcriber):
    """Transcribe a whole recording and keep the pieces on it. Raises NotFound unless whole."""
    sound = recordings.audio(recording)
    try:
        with tempfile.NamedTemporaryFile(suffix=".audio") as file:
            file.writelines(sound.blocks())
            file.flush()
            pieces = transcriber.transcribe(Path(file.name), recording.mime_type,
                                            hints(recording.visit.case))
            transcript = [{"start_ms": int(p["start_ms"]), "end_ms": int(p["end_ms"]),
                           "text": str(p["text"])[:2000]} for p in pieces]
    except Exception as error:  # the model is someone else's code: any fault, said kindly
        current_app.logger.exception("transcribing recording %s failed", recording.id)
        raise ValidationFailed({"transcript": [NOT_WRITTEN_OUT]},
                               message=NOT_WRITTEN_OUT) from error
    recording.transcript = transcript
    db.session.flush()
    return recording.transcript


def waiting():
    """Recordings that arrived whole and have no transcript yet."""
    found = db.session.scalars(select(Recording).where(
        Recording.deleted_at.is_(None), Recording.transcript.is_(None),
        Recording.chunk_count.is_not(None)))
    return [recording for recording in found if recording.complete]


def search(recording, words):
    """Return the transcript's pieces that hold all of `words` (any case)."""
    wanted = [word.casefold() for word in words.split()]
    if recording.transcript is None or not wanted:
        return recording.transcript or []
    return [piece for piece in recording.transcript
            if all(word in piece["text"].casefold() for word in wanted)]


def transcribe_one(recording):
    """Transcribe with the installed transcriber. Raises NotFound when none is installed."""
    transcriber = installed()
    if transcriber is None:
        raise NotFound("No transcriber is installed on this computer.")
    return transcribe(recording, transcriber)
