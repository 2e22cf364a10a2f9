"""Optional transcription of recordings, on the home computer only, never sent anywhere.

A Transcriber turns an audio file into timed pieces of text. None is installed by
default: `pip install -e ".[transcribe]"` adds faster-whisper, which runs a
Whisper model on this computer's CPU (README: "Transcripts"). Tests, and anyone
who prefers another engine, set TRANSCRIBER in the app's config to any object
with the same `transcribe` method.

The case's own words (diagnosis, treatment, medicines, conditions) are given
to the model as hints, so it spells them as the family does.

Writing out takes minutes, so it never runs in a request: a parent's request is a
job in a queue (a row), and one worker thread per server process, started when
needed, runs the oldest job, then the next. The database holds the rules, for
every process at once: one job not finished per recording, one running at a
time (models/recordings.py). The summary polls a job until it is done.

A worker keeps a heartbeat on the job it runs, from a thread of its own, so a job
whose computer stopped mid-way (a restart, a power cut) is told from a long one
within minutes: the next claim tries it once more, then says it failed.
"""

import importlib.util
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import case, literal, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from webapp.errors import DomainError, NotFound, ValidationFailed
from webapp.extensions import db
from webapp.models import Recording, TranscriptionJob
from webapp.models._types import UTCDateTime, utcnow
from webapp.services import access, recordings
from webapp.services.records import insert_unless_taken

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


def may_ask(member):
    """Tell whether `member` may ask for a recording to be written out: parents only."""
    return not access.is_companion(member) and available()


def ask(recording, member, redo=False):
    """Queue a whole recording to be written out; return its latest job.

    Once per recording unless `redo`; asking again while a job waits or runs is the
    same request (a double tap makes one job).

    Raises:
        NotFound: a companion asking, a recording not whole, or no transcriber here.
    """
    if not may_ask(member) or recording.deleted_at is not None or not recording.complete:
        raise NotFound()
    if recording.transcript is None or redo:
        _queue(recording, member)
    return latest_jobs([recording])[recording.id]


def _queue(recording, member=None):
    insert_unless_taken(TranscriptionJob, recording_id=recording.id, status="queued",
                        requested_by_id=member and member.id, created_at=utcnow())


def latest_jobs(shown):
    """Each recording's latest job (or None): what its summary says of writing it out."""
    latest = {recording.id: None for recording in shown}
    for job in db.session.scalars(select(TranscriptionJob).where(
            TranscriptionJob.recording_id.in_(list(latest))).order_by(TranscriptionJob.id)):
        latest[job.recording_id] = job
    return latest


# A running job's worker beats this often (TRANSCRIBE_HEARTBEAT in the app's config);
# one silent for CUT_OFF_AFTER (TRANSCRIBE_CUT_OFF) was cut off, however long it ran.
HEARTBEAT_EVERY = timedelta(seconds=30)
CUT_OFF_AFTER = timedelta(minutes=2)
RUNS = 2  # a job cut off is run once more: its recording may be what stopped the computer


def claim(now=None):
    """Mark the oldest queued job running and return it, or None: none waits, or one
    runs already, here or in another server process (the database refuses a second).

    A running job cut off first goes back to the queue, or fails after RUNS runs, in
    the same statement for every process: one that loses the race finds it alive.
    """
    now = now or utcnow()
    silent = now - current_app.config.get("TRANSCRIBE_CUT_OFF", CUT_OFF_AFTER)
    again = TranscriptionJob.attempts < RUNS
    waiting = aliased(TranscriptionJob)
    oldest = (select(waiting.id).where(waiting.status == "queued")
              .order_by(waiting.created_at, waiting.id).limit(1).scalar_subquery())
    try:
        db.session.execute(update(TranscriptionJob).where(
            TranscriptionJob.status == "running",
            or_(TranscriptionJob.heartbeat_at.is_(None), TranscriptionJob.heartbeat_at < silent))
            .values(status=case((again, "queued"), else_="failed"),
                    finished_at=case((again, null()), else_=literal(now, UTCDateTime)),
                    started_at=None, heartbeat_at=None)
            .execution_options(synchronize_session=False))
        claimed = db.session.execute(update(TranscriptionJob).where(
            TranscriptionJob.id == oldest, TranscriptionJob.status == "queued")
            .values(status="running", started_at=now, heartbeat_at=now,
                    attempts=TranscriptionJob.attempts + 1)
            .returning(TranscriptionJob.id)
            .execution_options(synchronize_session=False)).scalar()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return db.session.get(TranscriptionJob, claimed) if claimed else None


def beat(job_id, attempt, now=None):
    """Say that the worker running this run of the job is alive."""
    db.session.execute(update(TranscriptionJob).where(
        TranscriptionJob.id == job_id, TranscriptionJob.attempts == attempt,
        TranscriptionJob.status == "running").values(heartbeat_at=now or utcnow())
        .execution_options(synchronize_session=False))
    db.session.commit()


def _stopped(stop, seconds):
    """Wait `seconds`, or less if `stop` is set; say whether it was.

    Short sleeps, not `stop.wait(seconds)`: a timed wait's deadline is taken from
    the monotonic clock, and where that clock is shifted (libfaketime, which the
    test command uses to move the clock years ahead) it would never come.
    """
    deadline = time.monotonic() + seconds
    while not stop.is_set() and time.monotonic() < deadline:
        time.sleep(min(0.2, seconds))
    return stop.is_set()


@contextmanager
def heartbeat(job):
    """Beat for `job` while the block runs, from a thread with a session of its own
    (the worker's may wait on the database, and it ends the job when it is done)."""
    app, job_id, attempt = current_app._get_current_object(), job.id, job.attempts
    every = app.config.get("TRANSCRIBE_HEARTBEAT", HEARTBEAT_EVERY).total_seconds()
    stop = threading.Event()

    def keep_beating():
        with app.app_context():
            while not _stopped(stop, every):
                try:
                    beat(job_id, attempt)
                except Exception:  # the database is busy or away: the next beat tries again
                    app.logger.exception("the heartbeat of transcription job %s failed", job_id)
                    db.session.rollback()

    beating = threading.Thread(target=keep_beating, name="transcriber heartbeat", daemon=True)
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()


class _Beating:
    """A transcriber that keeps its job's heartbeat while it runs, and stops before the
    worker writes what it made (on SQLite, a beat then would wait for that write)."""

    def __init__(self, transcriber, job):
        self.transcriber, self.job = transcriber, job

    def transcribe(self, audio, mime_type, hints):
        with heartbeat(self.job):
            return self.transcriber.transcribe(audio, mime_type, hints)


def run(job, transcriber):
    """Write out the job's recording and keep how it went: done, or failed."""
    status = "failed"
    try:
        transcribe(job.recording, _Beating(transcriber, job))
        status = "done"
    except DomainError:  # said kindly under the recording (and logged by transcribe)
        db.session.rollback()
    except Exception:  # a fault of ours: the job must not stay "running" and block the queue
        current_app.logger.exception("transcription job %s failed", job.id)
        db.session.rollback()
    return _end(job, status)


def _end(job, status):
    job.status, job.finished_at = status, utcnow()
    db.session.commit()
    return job


def work(transcriber=None):
    """Run the queued jobs one at a time until none waits; return those run."""
    done = []
    while (job := claim()) is not None:
        try:
            with heartbeat(job):  # loaded when a job first needs it: fetched, at first
                transcriber = transcriber or installed()
        except Exception:  # no model at hand (offline at its first use): that job fails
            current_app.logger.exception("the transcriber could not start for job %s", job.id)
            done.append(_end(job, "failed"))
            continue
        done.append(run(job, transcriber))
    return done


def queue_waiting():
    """Queue every recording that arrived whole and has no transcript yet."""
    for recording in waiting():
        _queue(recording)
    db.session.commit()


_lock = threading.Lock()
_worker = None
_more = False  # asked again since the worker last looked at the queue


def kick(app):
    """Have this process's worker thread run the queue, starting it if none runs.

    Returns the thread (None where the app runs jobs itself: TRANSCRIBE_IN_BACKGROUND).
    """
    global _worker, _more
    if not app.config.get("TRANSCRIBE_IN_BACKGROUND", True):
        return None
    with _lock:
        _more = True
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work_in_background, args=(app,),
                                       name="transcriber", daemon=True)
            _worker.start()
        return _worker


def _work_in_background(app):
    global _worker, _more
    with app.app_context():
        while True:
            with _lock:
                _more = False
            try:
                work()
            except Exception:  # the database went away, say: the next kick tries again
                app.logger.exception("the transcription worker stopped")
                db.session.rollback()
            with _lock:
                if not _more:
                    _worker = None
                    return
