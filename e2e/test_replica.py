"""The phone's database upgrades in place, and each phone keeps a replica of the visit.

A phone that captured with an earlier version of the database (version 1: no
replica store; version 2: a replica under table names) still has its outbox
after the update, and sends it once.
After syncing, a phone holds the other phones' notes too (IndexedDB
`replica`), with their authors, for the visit screen to show offline.
"""

import re

import pytest
from phones import new_phone, poll
from playwright.sync_api import expect

# Versions 1 and 2 as they shipped: three stores (and version 2's replica, with
# entities under their table names), and one note waiting in the outbox.
OLD_DATABASE = """async ({visitId, noteId, version}) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open("ask-twice", version);
    request.onupgradeneeded = () => {
      const d = request.result;
      d.createObjectStore("meta", { keyPath: "key" });
      d.createObjectStore("captures", { keyPath: "id" }).createIndex("visit_id", "visit_id");
      d.createObjectStore("outbox", { keyPath: "seq" });
      if (version >= 2) {
        d.createObjectStore("replica", { keyPath: "key" }).createIndex("visit_id", "visit_id");
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const hlc = `${String(Date.now()).padStart(13, "0")}-0000-oldphone`;
  const tx = db.transaction(["meta", "captures", "outbox"], "readwrite");
  tx.objectStore("meta").put({ key: "nextSeq", value: 2 });
  tx.objectStore("meta").put({ key: "hlc", value: hlc });
  tx.objectStore("meta").put({ key: "node", value: "oldphone" });
  tx.objectStore("meta").put({ key: "cursor", value: "0" });
  tx.objectStore("captures").put({ id: noteId, kind: "note", visit_id: visitId,
    text: "Written before the update", tags: [], seq: 1, hlc, state: "local",
    saved_at: Date.now() });
  tx.objectStore("outbox").put({ seq: 1, op: "note.create", id: noteId, hlc,
    data: { visit_id: visitId, text: "Written before the update", tags: [] } });
  await new Promise((resolve) => { tx.oncomplete = resolve; });
  if (version >= 2) {
    const old = db.transaction(["replica"], "readwrite");
    old.objectStore("replica").put({ key: "consent_event:x", entity: "consent_event", id: "x",
      visit_id: visitId, data: { id: "x", visit_id: visitId, kind: "agreed", who: "Old name" } });
    await new Promise((resolve) => { old.oncomplete = resolve; });
  }
  db.close();
}"""

REPLICA_NOTES = """async (visitId) => (await AskTwiceDB.replicaOfVisit(visitId))
  .filter((row) => row.entity === "note").map((row) => [row.data.text, row.data.author])"""


@pytest.mark.parametrize(("version", "companion"), [(1, "Grandma Rosa"), (2, "Aunt Mira")])
def test_an_old_database_keeps_its_outbox_and_every_phone_gets_the_replica(
        browser, browser_context_args, home, version, companion):
    visit = home.make_visit(f"Replica {version}")
    old = new_phone(browser, browser_context_args, "old phone")
    other = new_phone(browser, browser_context_args, "other phone")
    try:
        old.page.goto("/static/offline.html")  # our origin, no app script yet
        old.page.evaluate(OLD_DATABASE, {"visitId": visit.id,
                                         "noteId": f"0190e8a4-7b6c-7d3e-8f00-0000000000a{version}",
                                         "version": version})

        old.sign_in()  # the app opens the database: version 1 upgrades to the latest
        versions = old.page.evaluate("async () => (await indexedDB.databases())"
                                     ".map((d) => [d.name, d.version])")
        assert versions == [["ask-twice", old.page.evaluate("() => AskTwiceDB.VERSION")]]
        assert old.page.evaluate("() => AskTwiceDB.VERSION") >= 3
        entities = old.page.evaluate(
            "async (v) => (await AskTwiceDB.replicaOfVisit(v)).map((r) => r.entity)", visit.id)
        assert "consent_event" not in entities  # refilled under wire names
        old.sync_until_done()
        assert home.summary(visit)["notes"] == ["Written before the update"]
        old.open_visit(visit)
        old.get_ready()  # the visit screen is kept now, before the companion writes
        old.page.goto("/")

        # The other phone is a companion's, invited to this visit's case.
        summary = home.api.get(f"{visit.path}/summary").text()
        case_id = re.search(r'href="/cases/(\d+)"', summary).group(1)
        invitation = home._post(f"/cases/{case_id}/companions", name=companion).text()
        other.page.goto(re.search(r"(/pair/[\w-]+)", invitation).group(1))
        other.page.get_by_role("button", name="Pair this phone").click()
        other.wait_for_worker_and_device()
        other.open_visit(visit)
        other.save_note("From the other phone")
        other.sync_until_done()
        old.page.get_by_role("button", name="Sync now").click()  # a pull brings it
        replica = poll(lambda: sorted(map(tuple, old.page.evaluate(REPLICA_NOTES, visit.id))),
                       lambda rows: len(rows) == 2, what="both notes in the replica")
        assert replica == [("From the other phone", companion),
                           ("Written before the update", "Sam Taylor")]
        questions = old.page.evaluate(
            "async (v) => (await AskTwiceDB.replicaOfVisit(v)).filter((r) => "
            "r.entity === 'question').length", visit.id)
        assert questions == 2

        # With no signal, the first phone's kept visit screen (from before her note)
        # shows her note, from the replica, as hers.
        old.context.set_offline(True)
        old.page.goto(visit.path)
        assert "From the other phone" not in old.page.evaluate(
            "async (url) => (await (await caches.match(url, {ignoreVary: true})).text())",
            visit.path)
        theirs = old.note("From the other phone")
        expect(theirs).to_be_visible()
        expect(theirs).to_contain_text(companion)
        expect(theirs.locator("[data-sync-state]")).to_have_text("Synced")
        expect(old.notes()).to_have_count(2)
    finally:
        old.context.close()
        other.context.close()
