"""Recording (issue 13): the page's memory during a long recording, and the upload
of a 30-minute recording's chunks on loopback. Prints figures; asserts nothing.

    .venv/bin/python bench/recording.py [--minutes 10] [--upload-minutes 30]

Memory: Chromium's fake microphone, the real recorder (a chunk every 2 s into
IndexedDB, the level meter drawing every frame); the JS heap is read through the
DevTools protocol after a forced garbage collection, once a minute (every
tenth of the run when shorter). Upload: chunks the size MediaRecorder makes
(Opus at 128 kbit/s: 32 KB every 2 s) are written to the phone's IndexedDB as
the recorder writes them, the recording is started and stopped through the
worker, then one sync sends them; timed until the server holds them all.
"""

import argparse
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import live_server, signed_in_phone, wait_until  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
CHUNK_BYTES = 32 * 1024
SLICE_S = 2


def heap_mb(cdp):
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    return usage["usedSize"] / 1048576


def open_and_agree(page, url, visit_id):
    page.goto(f"{url}/visits/{visit_id}")
    wait_until(page, "document.querySelector('[data-recorder]')?.dataset.loaded === 'true'")
    if not page.locator("#consent-status .consent-state--agreed").count():
        page.get_by_role("button", name="They agreed").click()
    page.locator("#recorder [data-record]").wait_for(state="visible")


def memory(playwright, url, visit_id, minutes):
    browser, context, page = signed_in_phone(playwright, url, FAKE_MIC,
                                             permissions=["microphone"])
    try:
        open_and_agree(page, url, visit_id)
        cdp = context.new_cdp_session(page)
        page.locator("#recorder [data-record]").click()
        wait_until(page, "document.querySelector('#recorder').dataset.state === 'recording'")
        step = 60 if minutes >= 10 else max(6, minutes * 6)
        print(f"memory during a {minutes}-minute recording (JS heap after GC, every {step} s)")
        print("  elapsed   heap MB   chunks in IndexedDB")
        samples = []
        start = time.monotonic()
        while (elapsed := time.monotonic() - start) <= minutes * 60 + 1:
            chunks = page.evaluate(
                f"() => AskTwiceDB.recordingsOfVisit({visit_id}).then((r) => r[0]?.chunks || 0)")
            samples.append(heap_mb(cdp))
            print(f"  {elapsed:6.0f} s  {samples[-1]:7.2f}   {chunks}")
            page.wait_for_timeout(step * 1000)
        page.locator("#recorder [data-stop]").click()
        print(f"  first {samples[0]:.2f} MB, last {samples[-1]:.2f} MB, max {max(samples):.2f} MB, "
              f"growth {samples[-1] - samples[0]:+.2f} MB")
    finally:
        browser.close()


FILL = """async ([visitId, count, size]) => {
  const id = crypto.randomUUID();
  const csrf = document.querySelector("input[name=csrf_token]").value;
  const post = (path, fields) => {
    const body = new FormData();
    body.set("csrf_token", csrf);
    for (const [k, v] of Object.entries(fields)) body.set(k, v);
    return fetch(path, {method: "POST", body, headers: {"X-CSRFToken": csrf}});
  };
  const type = "audio/webm;codecs=opus";
  const started = await post(`/visits/${visitId}/recordings`, {id, mime_type: type});
  if (!started.ok) throw new Error("start refused " + started.status);
  const meta = {id, visit_id: visitId, mime_type: "audio/webm;codecs=opus", started_at: Date.now(),
                state: "stopped", chunks: count, bytes: count * size, elapsed_ms: count * 2000,
                duration_ms: count * 2000, gaps: [], stop_reason: "stopped", stop_sent: true};
  for (let index = 0; index < count; index++) {
    const bytes = crypto.getRandomValues(new Uint8Array(size));
    if (index === 0) bytes.set([0x1a, 0x45, 0xdf, 0xa3]);
    else bytes.set([0x1f, 0x43, 0xb6, 0x75]);
    await AskTwiceDB.transact(["blobs", "recordings"], "readwrite", (s) => {
      s.blobs.put({key: `recording:${id}:${index}`, channel: "recording", owner: id, index,
                   size, blob: new Blob([bytes], {type: "audio/webm"})});
      s.recordings.put(meta);
    });
  }
  await post(`/visits/${visitId}/recordings/${id}/stop`,
             {duration_ms: count * 2000, chunk_count: count, stop_reason: "stopped", gaps: "[]"});
  return id;
}"""


def once(database, recording, count):
    rows = sqlite3.connect(database).execute(
        "SELECT count(*), count(DISTINCT [index]) FROM recording_chunk WHERE recording_id = ?",
        (recording,)).fetchone()
    return rows == (count, count)


def upload(playwright, url, visit_id, database, minutes):
    browser, context, page = signed_in_phone(playwright, url)
    try:
        open_and_agree(page, url, visit_id)
        count = minutes * 60 // SLICE_S
        recording = page.evaluate(FILL, [visit_id, count, CHUNK_BYTES]).replace("-", "")
        total = count * CHUNK_BYTES
        start = time.monotonic()
        page.evaluate("() => navigator.serviceWorker.controller.postMessage({type: 'sync-now'})")
        while (stored := sqlite3.connect(database).execute(
                "SELECT count(*) FROM recording_chunk WHERE recording_id = ?",
                (recording,)).fetchone()[0]) < count:
            if time.monotonic() - start > 600:
                raise TimeoutError(f"{stored} of {count} chunks after 10 minutes")
            page.wait_for_timeout(100)
        seconds = time.monotonic() - start
        print(f"upload of a {minutes}-minute recording: {count} chunks, {total / 1048576:.1f} MB "
              f"in {seconds:.1f} s ({total / 1048576 / seconds:.2f} MB/s, "
              f"{count / seconds:.0f} chunks/s); each stored once: "
              f"{once(database, recording, count)}")
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10, help="length of the recording")
    parser.add_argument("--upload-minutes", type=int, default=30)
    args = parser.parse_args()
    with live_server() as (url, visit_id, database_url), sync_playwright() as playwright:
        database = database_url.removeprefix("sqlite:///")
        memory(playwright, url, visit_id, args.minutes)
        upload(playwright, url, visit_id, database, args.upload_minutes)


if __name__ == "__main__":
    main()
