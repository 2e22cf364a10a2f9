"""Issue 18 item 12: signing out on a phone leaves nothing of the family readable on it,
only this person's items not yet synced (and it says how many)."""

import re

from phones import OFFLINE_HEADING, main_menu, path_of, poll
from playwright.sync_api import expect

PUSH = "**/api/v1/sync/push"

# What the phone's database holds, store by store.
HELD = """async () => {
  const all = (name) => AskTwiceDB.transact([name], 'readonly',
    (s) => AskTwiceDB.req(s[name].getAll()));
  return { replica: (await all('replica')).length, outbox: (await all('outbox')).length,
           captures: (await all('captures')).map((c) => c.text),
           meta: (await all('meta')).map((m) => m.key).sort() };
}"""

# Every address the worker keeps outside its versioned static cache.
CACHED_PAGES = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    if (name.startsWith('ask-twice-static-')) continue;
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  return urls;
}"""


def test_signing_out_leaves_only_this_persons_unsent_items(phone, home, shoot, axe):
    visit = home.make_visit("Signout")
    page, context = phone.page, phone.context
    phone.ready_for(visit)
    phone.save_note("Already at home")
    phone.sync_until_done()
    poll(lambda: page.evaluate(HELD)["replica"], bool, what="the replica filled by pull")
    # The computer is reachable but takes no sync: one note stays waiting.
    context.route(PUSH, lambda route: route.abort())
    phone.save_note("Still on this phone")
    assert phone.pending() == 1

    main_menu(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    kept = page.get_by_role("status").filter(has_text="Signed out")
    expect(kept).to_have_text("Signed out. 1 item not yet synced is kept on this phone: "
                              "it goes to your computer when you pair this phone again.")
    shoot(page, "sign-out-01-kept", full_page=False)
    axe.check(page, "signed out, one item kept")

    held = page.evaluate(HELD)
    assert held["replica"] == 0, "others' data kept after signing out"
    assert held["captures"] == ["Still on this phone"], held
    assert held["outbox"] == 1
    assert "device" not in held["meta"] and "cursor" not in held["meta"], held["meta"]
    assert {path_of(url) for url in page.evaluate(CACHED_PAGES)} <= {"/signin"}

    # No signal, no sign-in: the visit's page, notes and diagnosis are gone from the phone.
    context.set_offline(True)
    page.goto(visit.path)
    expect(page.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
    for private in ("Knee pain (Signout)", "Already at home", "Still on this phone",
                    visit.clinician):
        expect(page.get_by_text(private)).to_have_count(0)
    page.goto("/")
    expect(page.get_by_text(visit.child)).to_have_count(0)
    shoot(page, "sign-out-02-offline-after", full_page=False)

    # Pairing again sends what was kept, once.
    context.set_offline(False)
    context.unroute(PUSH)
    phone.sign_in()
    phone.open_visit(visit)
    phone.sync_until_done()
    notes = home.summary(visit)["notes"]
    assert notes.count("Already at home") == 1 and notes.count("Still on this phone") == 1
    assert not phone.errors


def test_signing_out_with_nothing_waiting_says_so(phone, home):
    visit = home.make_visit("Nothing waiting")
    page = phone.page
    phone.ready_for(visit)
    main_menu(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").filter(has_text="Signed out")).to_have_text(
        "Signed out. Nothing is waiting to be sent from this phone.")
    assert page.evaluate(HELD)["captures"] == []
    phone.context.set_offline(True)
    page.goto(visit.path)
    expect(page.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
    expect(page.get_by_text(re.compile("Knee pain"))).to_have_count(0)


def test_signing_out_with_no_signal_says_so_and_offers_the_lock(phone, home, shoot):
    """Offline the server cannot end the sign-in: the phone says so, and "Get ready" kept
    "This phone", so the lock hides Ask Twice in the room."""
    visit = home.make_visit("No signal")
    page = phone.page
    phone.ready_for(visit)
    phone.context.set_offline(True)
    main_menu(page).get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Signing out needs a connection")
           ).to_be_visible()
    page.get_by_role("link", name="lock it with a PIN").click()
    page.get_by_label("Choose a PIN").fill("97531")
    page.get_by_role("button", name="Lock now").click()
    expect(page.get_by_role("dialog", name="Ask Twice is locked")).to_be_visible(
        timeout=15_000)
    page.goto(visit.path)
    expect(page.get_by_role("dialog", name="Ask Twice is locked")).to_be_visible()
    expect(page.get_by_text(re.compile("Knee pain"))).to_have_count(0)
    shoot(page, "sign-out-03-offline-locked", full_page=False)
