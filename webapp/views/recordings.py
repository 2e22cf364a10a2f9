"""Recordings of a visit: started and stopped from the appointment screen (when no
service worker answers first), listened to and deleted at home."""

import click
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    get_template_attribute,
    jsonify,
    redirect,
    request,
    url_for,
)

from webapp.htmx import wants_block
from webapp.schemas.forms import RecordingDeleteSchema, RecordingStartSchema, RecordingStopSchema
from webapp.services import recordings, transcripts, visits
from webapp.views import attempt, household_id, submit

bp = Blueprint("recordings", __name__, url_prefix="/visits/<int:visit_id>/recordings",
               cli_group=None)  # command: `flask --app webapp transcribe`


def _saved(result, errors):
    if errors:
        return jsonify(errors=errors), 422
    return jsonify(id=str(result.id))


@bp.post("")
def start(visit_id):
    """Start a recording, if they agreed to it."""
    visit = visits.get_visit(household_id(), visit_id)
    return _saved(*submit(RecordingStartSchema,
                          lambda data: recordings.start_recording(visit, g.member, **data)))


def _recording(visit_id, recording_id):
    return recordings.get_recording(visits.get_visit(household_id(), visit_id), recording_id)


@bp.post("/<uuid:recording_id>/stop")
def stop(visit_id, recording_id):
    """Keep how a recording ended."""
    recording = _recording(visit_id, recording_id)
    return _saved(*submit(RecordingStopSchema, lambda data: recordings.stop_recording(
        recording, g.member, **{k: v for k, v in data.items() if k != "id"})))


@bp.get("/<uuid:recording_id>/audio")
def audio(visit_id, recording_id):
    """Send the recording's sound from its chunk files, whole or the range the player
    asks for (so it can seek), a block at a time."""
    recording = _recording(visit_id, recording_id)
    sound, etag = recordings.audio(recording), str(recording.id)  # whole: it never changes
    span = _span(sound.size, etag)
    if request.if_none_match.contains(etag):  # the browser's copy is this one
        answer = Response(status=304)
    elif span == ():
        answer = Response(status=416)
        answer.content_range = f"bytes */{sound.size}"
    else:
        start, stop = span or (0, sound.size)
        answer = Response(sound.blocks(start, stop), status=206 if span else 200,
                          mimetype=recordings.container(recording.mime_type))
        answer.content_length = stop - start
        if span:
            answer.content_range = f"bytes {start}-{stop - 1}/{sound.size}"
    answer.accept_ranges, answer.cache_control.no_cache = "bytes", True
    answer.set_etag(etag)
    return answer


def _span(size, etag):
    """The (start, stop) of the one range asked for; None to send it whole (no range, a
    range we may ignore, or an If-Range for another version); () when none of it exists.

    Werkzeug's own answer refuses a suffix longer than the file, which RFC 9110 says
    means the whole file: hence this.
    """
    asked = request.range
    if (asked is None or asked.units != "bytes" or len(asked.ranges) != 1
            or request.headers.get("If-Range", f'"{etag}"') != f'"{etag}"'):
        return None
    start, stop = asked.ranges[0]
    if start < 0:  # the last -start bytes
        start = max(0, size + start)
    if start >= size:
        return ()
    return start, size if stop is None else min(stop, size)


@bp.post("/<uuid:recording_id>/delete")
def delete(visit_id, recording_id):
    """Delete a recording here and, on their next sync, on every phone."""
    recording = _recording(visit_id, recording_id)
    submit(RecordingDeleteSchema, lambda data: recordings.delete_recording(recording, g.member))
    return redirect(url_for("visits.summary", visit_id=visit_id, _anchor="recordings"), 303)


@bp.post("/<uuid:recording_id>/transcribe")
def transcribe(visit_id, recording_id):
    """Ask for a recording to be written out on this computer, in the background."""
    recording = _recording(visit_id, recording_id)
    attempt(lambda: transcripts.ask(recording, g.member, redo=request.form.get("redo") == "1"))
    transcripts.kick(current_app._get_current_object())
    return redirect(url_for("visits.summary", visit_id=visit_id,
                            _anchor=f"recording-{recording.id}-title"), 303)


@bp.get("/<uuid:recording_id>/transcript")
def transcript(visit_id, recording_id):
    """Say how writing out a recording goes: the block the summary asks for until done."""
    recording = _recording(visit_id, recording_id)
    if not wants_block(f"transcript-state-{recording.id}"):  # a link opened: the summary
        return redirect(url_for("visits.summary", visit_id=visit_id,
                                _anchor=f"recording-{recording.id}-title"), 303)
    job = transcripts.latest_jobs([recording])[recording.id]
    if job is not None and job.live:  # a restarted computer starts its worker again here
        transcripts.kick(current_app._get_current_object())
    state = get_template_attribute("visits/_recording.html", "transcript_state")
    return state(recording.visit, recording, job,
                 transcripts.search(recording, ""), "", transcripts.may_ask(g.member),
                 transcripts.NOT_WRITTEN_OUT, announce=True)


@bp.cli.command("transcribe")
def transcribe_command():
    """Write out every recording that arrived whole and has none yet, one at a time."""
    transcriber = transcripts.installed()
    if transcriber is None:
        raise click.ClickException('No transcriber is installed: pip install -e ".[transcribe]"')
    transcripts.queue_waiting()
    for job in transcripts.work(transcriber):
        said = "Transcribed" if job.status == "done" else "Could not write out"
        click.echo(f"{said} the recording {job.recording_id}.")
