"""Recordings of a visit: started and stopped from the appointment screen (when no
service worker answers first), listened to and deleted at home."""

import io

import click
from flask import (
    Blueprint,
    current_app,
    g,
    get_template_attribute,
    jsonify,
    redirect,
    request,
    send_file,
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
    """Send the recording's sound, whole (ranges allowed, so the player can seek)."""
    recording = _recording(visit_id, recording_id)
    return send_file(io.BytesIO(recordings.audio(recording)), conditional=True,
                     mimetype=recordings.container(recording.mime_type), max_age=0)


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
