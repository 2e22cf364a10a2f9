"""The player's sound: sent from the chunk files as they are, never joined in memory;
ranges (206), suffixes and ranges across chunk files, and 416 past the end."""

import hashlib
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.extensions import db
from webapp.services import capture, recordings

WEBM_HEAD = b"\x1a\x45\xdf\xa3"
CONTINUATION = b"\x1f\x43\xb6\x75"


def parts(sizes):
    """Chunks as MediaRecorder makes them, each of its size, all different bytes."""
    made = []
    for index, size in enumerate(sizes):
        head = WEBM_HEAD if index == 0 else CONTINUATION
        body = hashlib.sha256(str(index).encode()).digest() * (size // 32 + 1)
        made.append(head + body[:size - len(head)])
    return made


def whole_recording(visit, owner, chunks):
    """A recording stopped with every chunk arrived."""
    capture.record_consent(visit, owner, "agreed", "Dr Okafor")
    recording = recordings.start_recording(visit, owner, "audio/webm;codecs=opus")
    for index, data in enumerate(chunks):
        recordings.add_chunk(recording, index, hashlib.sha256(data).hexdigest(), data)
    recordings.stop_recording(recording, owner, 1000 * len(chunks), "stopped", len(chunks))
    db.session.commit()
    return f"/visits/{visit.id}/recordings/{recording.id}/audio"


def peak_while(action):
    """The most memory Python held at once while `action` ran, in bytes."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def drain(response):
    """Read a streamed answer piece by piece, keeping only its length."""
    length = sum(len(piece) for piece in response.response)
    response.close()
    return length


def test_a_long_recording_is_streamed_in_constant_memory(signed_in, visit, owner):
    """50 MB in 50 chunk files: neither a range across chunk files nor the whole file
    may hold more than a sliver of it in memory at once."""
    url = whole_recording(visit, owner, parts([1024 * 1024] * 50))
    size = 50 * 1024 * 1024
    found = {}

    def ranged():
        answer = signed_in.get(url, headers={"Range": "bytes=3145000-20971999"},
                               buffered=False)
        found["range"] = answer.status_code, drain(answer)

    def whole():
        answer = signed_in.get(url, buffered=False)
        found["whole"] = answer.status_code, drain(answer)

    peaks = peak_while(ranged), peak_while(whole)
    assert max(peaks) < size / 20, peaks
    assert found == {"range": (206, 20971999 - 3145000 + 1), "whole": (200, size)}


class Sound:
    def __init__(self, url, joined):
        self.url, self.joined = url, joined

    def __repr__(self):  # what Hypothesis prints of a failing example
        return f"Sound({self.url!r}, {len(self.joined)} bytes)"


@pytest.fixture
def chunked(signed_in, visit, owner):
    """A recording of six chunk files of very different sizes (one of a single byte)."""
    chunks = parts([700, 1, 2500, 64, 4096, 333])
    return Sound(whole_recording(visit, owner, chunks), b"".join(chunks))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.integers(0, 8000), length=st.integers(1, 9000), suffix=st.booleans(),
       open_ended=st.booleans())
def test_any_range_is_the_same_bytes_as_the_joined_file(signed_in, chunked, first, length,
                                                       suffix, open_ended):
    url, joined = chunked.url, chunked.joined
    size = len(joined)
    if suffix:  # longer than the file: the whole file (RFC 9110, 14.1.2)
        header, expected = f"bytes=-{length}", joined[-length:]
        start = max(0, size - length)
    elif open_ended:
        header, expected, start = f"bytes={first}-", joined[first:], first
    else:
        header, expected, start = (f"bytes={first}-{first + length - 1}",
                                   joined[first:first + length], first)
    answer = signed_in.get(url, headers={"Range": header})
    if start >= size and not suffix:
        assert answer.status_code == 416
        assert answer.headers["Content-Range"] == f"bytes */{size}"
        return
    assert answer.status_code == 206
    assert answer.data == expected
    end = start + len(expected) - 1
    assert answer.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert answer.headers["Content-Length"] == str(len(expected))
    assert answer.headers["Accept-Ranges"] == "bytes"


def test_the_whole_file_and_its_type(signed_in, chunked):
    url, joined = chunked.url, chunked.joined
    answer = signed_in.get(url)
    assert answer.status_code == 200 and answer.data == joined
    assert answer.headers["Content-Type"] == "audio/webm"
    assert answer.headers["Content-Length"] == str(len(joined))
    assert answer.headers["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("headers", [
    {"Range": "bytes=0-1,4-5"},  # several ranges: the whole file, as RFC 9110 allows
    {"Range": "bytes=9-3"},  # not a range: ignored
    {"Range": "bytes=0-9", "If-Range": '"another version"'},
])
def test_a_range_we_ignore_gets_the_whole_file(signed_in, chunked, headers):
    answer = signed_in.get(chunked.url, headers=headers)
    assert answer.status_code == 200 and answer.data == chunked.joined
    assert "Content-Range" not in answer.headers


def test_if_range_with_this_version_gets_the_range_and_a_copy_is_revalidated(signed_in,
                                                                             chunked):
    etag = signed_in.get(chunked.url).headers["ETag"]
    again = signed_in.get(chunked.url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    answer = signed_in.get(chunked.url, headers={"Range": "bytes=698-702", "If-Range": etag})
    assert answer.status_code == 206 and answer.data == chunked.joined[698:703]
