"""Pairing phones from the home computer, by QR link and by typed code; removing one.

The home computer is a desktop-size browser signed in with the passphrase; the
phones never type it. A removed phone keeps what it has not synced, says it
was removed (e2e/test_removed_phone.py has the whole of that), and after pairing
again sends it, once.
"""

import re

from phones import OWNER, PASSPHRASE, new_phone, poll
from playwright.sync_api import expect

NEXT_VISIT = re.compile(r"/visits/\d+$")


def home_browser(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Your name").fill(OWNER)
    page.get_by_label("Passphrase").fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=f"Hello, {OWNER}")).to_be_visible()
    return context, page


def make_code(page, whose=None, new_name=None):
    """On the Phones screen, make a code; return (link path, code)."""
    page.goto("/devices")
    if new_name:
        page.get_by_label("Or someone new").fill(new_name)
    else:
        page.get_by_label(whose, exact=True).check()
    page.get_by_role("button", name="Make a code").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Pair .+'s phone$"))
           ).to_be_visible()
    code = page.locator("#pairing-code").inner_text()
    link = re.search(r"(/pair/[\w-]+)$", page.locator("#pairing-link").text_content()).group(1)
    return link, code


def test_pair_by_link_and_by_code_remove_and_pair_again(browser, browser_context_args, home,
                                                        base_url, shoot, axe):
    visit = home.make_visit("Pairing")
    home_context, page = home_browser(browser, base_url)
    dad = new_phone(browser, browser_context_args, "dad's phone")
    mine = new_phone(browser, browser_context_args, "sam's phone")
    try:
        expect(page.get_by_text("only works on this computer")).to_be_hidden()
        link, _ = make_code(page, new_name="Dad")
        expect(page.get_by_role("img", name="QR code of the pairing link")).to_be_visible()
        shoot(page, "pairing-01-code-on-the-home-computer")
        axe.check(page, "pairing code")

        # Dad's phone follows the QR link: names itself, never types a passphrase.
        dad.page.goto(link)
        expect(dad.page.get_by_label("Name this phone")).to_have_value("Dad's phone")
        shoot(dad.page, "pairing-02-name-this-phone")
        axe.check(dad.page, "name this phone")
        dad.page.get_by_role("button", name="Pair this phone").click()
        expect(dad.page).to_have_url(NEXT_VISIT)  # the app opens on the next visit
        dad.open_visit(visit)
        assert dad.wait_for_worker_and_device()["author"] == "Dad"

        # My phone types the code instead, in lower case with a space.
        _, code = make_code(page, whose=OWNER)
        mine.page.goto("/pair")
        axe.check(mine.page, "type the code")
        mine.page.get_by_label("Code").fill(code.lower().replace("-", " "))
        mine.page.get_by_label("Name this phone").fill("Sam's phone")
        mine.page.get_by_role("button", name="Pair this phone").click()
        expect(mine.page).to_have_url(NEXT_VISIT)
        assert mine.wait_for_worker_and_device()["author"] == OWNER

        # The Phones screen lists both with their person; a used link is refused.
        page.goto("/devices")
        expect(page.get_by_text("Dad's phone · Dad")).to_be_visible()
        expect(page.get_by_text(f"Sam's phone · {OWNER}")).to_be_visible()
        shoot(page, "pairing-03-phones-screen")
        axe.check(page, "phones screen")
        stranger = new_phone(browser, browser_context_args, "stranger")
        try:
            stranger.page.goto(link)
            expect(stranger.page.locator("#code-error")).to_contain_text("may have expired")
        finally:
            stranger.context.close()

        # Dad captures with no signal; meanwhile the family removes his phone.
        dad.get_ready()
        dad.context.set_offline(True)
        dad.save_note("Ask about the scan date")
        # Saved with no signal, it already carries its author: the phone's person.
        expect(dad.note("Ask about the scan date")).to_contain_text("Dad")
        page.get_by_role("link", name="Remove Dad's phone").click()
        page.get_by_role("button", name="Yes, remove it").click()
        dads = page.locator("li.card", has_text="Dad's phone · Dad")
        expect(dads.get_by_text("It must be paired again to sync.")).to_be_visible()
        dad.context.set_offline(False)  # back online, it syncs, and so learns it
        expect(dad.page.get_by_role("heading", level=1,
                                    name="This phone was removed from Ask Twice")).to_be_visible()
        shoot(dad.page, "pairing-04-removed-phone", full_page=False)
        assert dad.pending() == 1

        # Paired again, what waited goes out once, under Dad's name.
        _, code = make_code(page, whose="Dad")
        dad.page.goto("/pair")
        dad.page.get_by_label("Code").fill(code)
        dad.page.get_by_label("Name this phone").fill("Dad's phone")
        dad.page.get_by_role("button", name="Pair this phone").click()
        expect(dad.page).to_have_url(NEXT_VISIT)
        dad.open_visit(visit)
        poll(lambda: dad.page.evaluate("() => AskTwiceDB.getMeta('device')"),
             lambda device: device and device.get("author") == "Dad", what="a new device")
        dad.sync_until_done()
        assert home.summary(visit)["notes"].count("Ask about the scan date") == 1
        assert not dad.errors and not mine.errors
    finally:
        for context in (dad.context, mine.context, home_context):
            context.close()
