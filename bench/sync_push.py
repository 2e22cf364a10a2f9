"""Three devices push 1,000 mutations each to a live server, at once.

Prints the wall time and the rate, then checks exactly-once: every note is
stored once, each device's ledger ends at 1,000, and a full resend of every
batch changes nothing. Goal (issue 3): <= 3 s. Run: .venv/bin/python bench/sync_push.py
"""

import json
import threading
import time
import urllib.request
import uuid

from _support import live_server

DEVICES, MUTATIONS, BATCH = 3, 1000, 100


def register(database_url, name):
    """Make a device straight in the database (pairing is not what is measured)."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import Member
    from webapp.services import devices

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        device, token = devices.register_device(db.session.get(Member, 1), name)
        db.session.commit()
        device_id = str(device.id)
        db.engine.dispose()
    return device_id, token


def post(url, token, body):
    request = urllib.request.Request(
        f"{url}/api/v1/sync/push", data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def batches(device_id, visit_id, node):
    mutations = [{"seq": seq, "op": "note.create", "id": str(uuid.uuid4()),
                  "hlc": f"{1_790_000_000_000 + seq:013d}-0000-{node}",
                  "data": {"visit_id": visit_id, "text": f"note {seq} from {node}"}}
                 for seq in range(1, MUTATIONS + 1)]
    return [{"device_id": device_id, "schema_version": 1, "mutations": mutations[i:i + BATCH]}
            for i in range(0, MUTATIONS, BATCH)]


def main():
    with live_server(threads=DEVICES) as (url, visit_id, database_url):
        phones = [register(database_url, f"phone{n}") for n in range(DEVICES)]
        plans = [(token, batches(device_id, visit_id, f"n{n}"))
                 for n, (device_id, token) in enumerate(phones)]
        results = [None] * DEVICES

        def push_all(index):
            token, device_batches = plans[index]
            results[index] = [post(url, token, body)["last_applied_seq"] for body in device_batches]

        threads = [threading.Thread(target=push_all, args=(n,)) for n in range(DEVICES)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

        # Every batch again, as if every answer had been lost: nothing may change.
        for token, device_batches in plans:
            for body in device_batches:
                post(url, token, body)

        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.connect() as connection:
            notes = connection.execute(text("select count(*), count(distinct id) from note")).one()
            ledgers = connection.execute(text("select last_applied_seq from device")).scalars()
            ledgers = list(ledgers)
        engine.dispose()

    total = DEVICES * MUTATIONS
    print(f"{DEVICES} devices x {MUTATIONS} mutations pushed in {elapsed:.2f} s "
          f"({total / elapsed:.0f} mutations/s, batches of {BATCH})")
    once = notes == (total, total) and sorted(ledgers) == [MUTATIONS] * DEVICES
    print(f"exactly once after a full resend: {'yes' if once else 'NO'} "
          f"(notes {notes[0]}, distinct {notes[1]}, ledgers {ledgers})")
    if not once:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
