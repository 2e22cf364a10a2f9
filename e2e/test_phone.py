"""This phone: lock it with a PIN (with no signal too), and sign out and wipe it."""

import re

from phones import new_phone, poll
from playwright.sync_api import expect

# Everything on the page but the lock screen is out of reach (inert).
SEALED = """() => [...document.body.children]
    .filter((e) => e.id !== 'lock-screen').every((e) => e.inert)"""


def test_a_locked_phone_shows_nothing_until_the_pin_even_offline(
        browser, browser_context_args, home, shoot, axe):
    visit = home.make_visit("Lock")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    try:
        phone.ready_for(visit)
        phone.save_note("Private words")

        page.goto("/phone")
        axe.check(page, "this phone")
        page.get_by_label("Choose a PIN").fill("12")
        page.get_by_role("button", name="Lock now").click()
        expect(page.locator("#new-pin-error")).to_have_text("Choose a PIN of 4 to 8 digits.")
        page.get_by_label("Choose a PIN").fill("2468")
        page.get_by_role("button", name="Lock now").click()
        lock = page.get_by_role("dialog", name="Ask Twice is locked")
        expect(lock).to_be_visible()
        assert page.evaluate(SEALED)

        # No signal, the visit opened from the phone's own copy: still locked.
        phone.context.set_offline(True)
        page.goto(visit.path)
        expect(lock).to_be_visible()
        expect(page.get_by_label("PIN", exact=True)).to_be_focused()
        assert page.evaluate(SEALED)
        expect(page.get_by_text("Private words")).not_to_be_in_viewport()
        shoot(page, "phone-01-locked-offline", full_page=False)
        axe.check(page, "locked")

        page.get_by_label("PIN", exact=True).fill("1111")
        page.get_by_role("button", name="Unlock").click()
        expect(page.locator("#unlock-pin-error")).to_have_text(
            "That PIN is not right. 4 more tries before a short wait.")
        page.get_by_label("PIN", exact=True).fill("2468")
        page.get_by_role("button", name="Unlock").click()
        expect(lock).to_be_hidden()
        assert not page.evaluate("() => document.getElementById('main').inert")
        expect(phone.note("Private words")).to_be_visible()

        # A forgotten PIN: pairing again, with a code from home, unlocks the phone.
        phone.context.set_offline(False)
        page.goto("/phone")
        page.get_by_label("Choose a PIN").fill("1357")
        page.get_by_role("button", name="Lock now").click()
        expect(lock).to_be_visible()
        page.get_by_role("link", name="pair this phone again").click()
        expect(lock).to_be_hidden()
        owner = re.search(r'name="member_id" value="(\d+)"', home.api.get("/devices").text())
        made = home._post("/devices/pairings", member_id=owner.group(1)).text()
        page.get_by_label("Code").fill(re.search(r'id="pairing-code">([A-Z0-9-]+)<', made).group(1))
        page.get_by_label("Name this phone").fill("Phone with a new PIN")
        page.get_by_role("button", name="Pair this phone").click()
        expect(page).to_have_url(re.compile(r"/visits/\d+$"))
        phone.open_visit(visit)
        poll(lambda: page.evaluate("() => AskTwiceDB.getMeta('lock')"), lambda lock: lock is None,
             what="the lock cleared by pairing again")
        page.reload()
        expect(phone.note("Private words")).to_be_visible()
        expect(lock).to_be_hidden()
        assert not page.evaluate(SEALED)
        assert not phone.errors
    finally:
        phone.context.close()


def test_wipe_refuses_with_the_count_then_wipes_everything(
        browser, browser_context_args, home, shoot, axe):
    visit = home.make_visit("Wipe")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    try:
        phone.sign_in()
        device = phone.device()
        phone.open_visit(visit)
        phone.get_ready()
        page.goto("/phone")
        phone.context.set_offline(True)
        page.goto(visit.path)
        phone.save_note("Not yet synced")
        page.goto("/phone")

        page.get_by_role("button", name="Sign out and wipe this phone").click()
        status = page.locator("[data-wipe-status]")
        expect(status).to_have_text(
            "1 item is not yet synced: wiping now would lose it. Sync first, or wipe anyway.")
        shoot(page, "phone-02-wipe-refused", full_page=False)
        axe.check(page, "wipe refused")
        page.get_by_role("button", name="Wipe anyway and lose it").click()
        expect(status).to_have_text(
            "Wiping needs a connection, so that signing out can finish. Nothing was deleted.")
        assert phone.pending() == 1

        phone.context.set_offline(False)
        phone.sync_until_done()
        page.get_by_role("button", name="Sign out and wipe this phone").click()
        expect(page.get_by_text("Ask Twice is signed out and wiped from this phone.")
               ).to_be_visible()
        assert page.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)") == []
        assert page.evaluate("() => caches.keys()") == []
        assert page.evaluate(
            "async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
        pulled = page.request.post("/api/v1/sync/pull", data={"device_id": device["device_id"]},
                                   headers={"Authorization": f"Bearer {device['token']}"})
        assert pulled.status == 401  # signing out also stopped the phone's token
        assert home.summary(visit)["notes"].count("Not yet synced") == 1
    finally:
        phone.context.close()
