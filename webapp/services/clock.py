"""Hybrid logical clocks: the order of ticks made on several phones.

Readings are "<13-digit ms>-<4-digit counter>-<node>" strings, so ordering
them as strings orders them in time, with the node breaking ties.
"""

import re
import time
from datetime import UTC, datetime

# ASCII digits (`\d` takes every script's), and the whole text (`$` allows a final newline).
HLC_PATTERN = r"\A[0-9]{13}-[0-9]{4}-[A-Za-z0-9]{1,36}\Z"


def next_hlc(previous=None, node="server"):
    """Return a hybrid logical clock reading later than `previous` and than now."""
    wall = time.time_ns() // 1_000_000
    counter = 0
    if previous:
        before_ms, before_counter = (int(part) for part in previous.split("-")[:2])
        if before_ms >= wall:
            wall, counter = before_ms, before_counter + 1
    return f"{wall:013d}-{counter:04d}-{node}"


def hlc_millis(reading):
    """Return the wall-clock part of an HLC reading, in ms since the epoch."""
    return int(reading.split("-")[0]) if re.match(HLC_PATTERN, reading) else 0


def hlc_time(reading):
    """Return the wall-clock part of an HLC reading as a UTC datetime."""
    return datetime.fromtimestamp(hlc_millis(reading) / 1000, UTC)
