"""Issue 19, items 8 to 11: the appointment screen on a phone, in Chromium at the size
of a Pixel 7's whole screen (412x915) and turned sideways (915x412).

Back closes a full-screen view before it leaves the screen; the sync bar says plainly
when the phone has no connection, and stops saying it once the home computer answers;
"Note" only ever opens the composer; and the first view holds the next question and its
"Asked" button, at 100% and 200% text, with the top menu whole and, sideways, at least
half the height left for the screen's own content.

Larger text is set as a phone's text-size setting does it, on the root element
(`document.documentElement.style.fontSize = '200%'`: script, not an injected <style>,
which the app's Content-Security-Policy would refuse).
"""

import re
from contextlib import contextmanager

import pytest
from phones import SYNC_SUMMARY, new_phone, path_of
from playwright.sync_api import expect

PORTRAIT = {"width": 412, "height": 915}
LANDSCAPE = {"width": 915, "height": 412}
NO_CONNECTION = "No connection. Notes stay on this phone."


def phone_at(browser, browser_context_args, viewport):
    return new_phone(browser, browser_context_args, "phone", viewport=viewport)


def larger_text(page, size):
    page.evaluate("(size) => { document.documentElement.style.fontSize = size; scrollTo(0, 0); }",
                  size)


# --- 8. Back closes a full-screen view first --------------------------------------------

CASE_SUMMARY = ("Case summary", re.compile("to read out"))
HOME_SCREEN = re.compile("^Hello")


@contextmanager
def view_open(browser, browser_context_args, home, label, link, title):
    """A phone that came to the visit from the home screen (where a second Back goes)
    and opened one of its full-screen views; yields the phone, the visit and the view."""
    visit = home.make_visit(label)
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.sign_in()
        phone.open_visit_from_home(visit)
        phone.page.get_by_role("link", name=link).click()
        sheet = phone.page.get_by_role("dialog", name=title)
        expect(sheet).to_be_visible()
        yield phone, visit, sheet
    finally:
        phone.context.close()


@pytest.mark.parametrize(("link", "title"), [CASE_SUMMARY, ("Read back", "Read back")])
def test_back_closes_the_sheet_then_leaves(browser, browser_context_args, home, shoot, link, title):
    with view_open(browser, browser_context_args, home, f"Back {link[:4]}", link, title) as (
            phone, visit, sheet):
        page = phone.page
        shoot(page, f"phone-back-{link[:4].lower()}-1-open", full_page=False)
        page.go_back()
        expect(sheet).to_be_hidden()
        phone.expect_visit_screen(visit)
        shoot(page, f"phone-back-{link[:4].lower()}-2-after-one-back", full_page=False)

        page.go_back()
        expect(page.get_by_role("heading", level=1, name=HOME_SCREEN)).to_be_visible()
        assert path_of(page.url) != visit.path, page.url


def test_close_button_leaves_no_extra_step_back(browser, browser_context_args, home):
    """Closed with its own button, the view leaves nothing behind: one Back leaves."""
    with view_open(browser, browser_context_args, home, "Back close", *CASE_SUMMARY) as (
            phone, visit, sheet):
        sheet.get_by_role("button", name="Close").click()
        expect(sheet).to_be_hidden()
        phone.expect_visit_screen(visit)
        phone.page.go_back()
        expect(phone.page.get_by_role("heading", level=1, name=HOME_SCREEN)).to_be_visible()


def test_a_reload_keeps_the_open_view_and_its_step(browser, browser_context_args, home):
    """Reloaded with the case summary open, it is open again, and Back still closes it."""
    with view_open(browser, browser_context_args, home, "Back reload", *CASE_SUMMARY) as (
            phone, visit, sheet):
        phone.page.reload()
        expect(sheet).to_be_visible()
        phone.page.go_back()
        expect(sheet).to_be_hidden()
        phone.expect_visit_screen(visit)


# --- 9. No connection, said plainly -----------------------------------------------------

def synced(page):
    expect(page.locator(SYNC_SUMMARY)).to_contain_text("Everything is synced")
    expect(page.locator("#sync-bar")).not_to_contain_text("No connection")


def test_no_connection_said_when_the_phone_goes_offline(browser, browser_context_args, home,
                                                        shoot):
    visit = home.make_visit("Offline line")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        page = phone.page
        synced(page)
        phone.context.set_offline(True)  # the `offline` event
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
        expect(page.locator(SYNC_SUMMARY)).not_to_contain_text("Everything is synced")
        phone.save_note("Said offline")
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
        expect(page.locator(SYNC_SUMMARY)).to_contain_text("1 not yet synced")
        shoot(page, "phone-no-connection-offline", full_page=False)

        phone.context.set_offline(False)
        phone.sync_until_done()
        synced(page)
        shoot(page, "phone-no-connection-back-online", full_page=False)
    finally:
        phone.context.close()


def test_no_connection_said_when_a_request_fails(browser, browser_context_args, home,
                                                 live_server, shoot):
    """The clinic's signal gone while the phone still thinks it is online: the first
    failed request says it, and the home computer answering again clears it."""
    visit = home.make_visit("Failed line")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        page = phone.page
        synced(page)
        live_server.stop()
        try:
            assert page.evaluate("() => navigator.onLine")
            page.get_by_role("button", name="Sync now").click()
            expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
            phone.save_note("Said with no server")
            expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
            shoot(page, "phone-no-connection-failed-request", full_page=False)
        finally:
            live_server.start()
        phone.sync_until_done()
        synced(page)
    finally:
        phone.context.close()


def test_no_connection_still_said_after_a_boosted_step(browser, browser_context_args, home):
    """Offline on the home screen, then to the visit by its link (a boosted swap of the
    page, the bar drawn anew hidden): the bar is there again and still says it."""
    visit = home.make_visit("Boosted line")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        page = phone.page
        page.goto("/")
        synced(page)
        phone.context.set_offline(True)
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
        phone.open_visit_from_home(visit)
        expect(page.locator(SYNC_SUMMARY)).to_be_visible()
        expect(page.locator(SYNC_SUMMARY)).to_contain_text(NO_CONNECTION)
    finally:
        phone.context.close()


# --- 10. "Note" opens the composer, never closes it ---------------------------------------

def test_note_keeps_the_composer_open_after_a_reload(browser, browser_context_args, home, shoot):
    visit = home.make_visit("Composer")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.sign_in()
        phone.open_visit(visit)
        page = phone.page
        note = page.locator(".visit-bar").get_by_role("link", name="Note")
        field = page.locator("#note-text")
        note.click()
        expect(field).to_be_focused()
        field.press_sequentially("Half a note")
        note.click()  # a second tap: still open, still focused
        expect(field).to_be_visible()
        expect(field).to_be_focused()

        page.wait_for_timeout(500)  # the draft is written as it is typed
        page.reload()
        expect(field).to_have_value("Half a note")
        expect(field).to_be_visible()
        expect(note).to_have_attribute("aria-expanded", "true")
        note.click()
        expect(field).to_be_visible()
        expect(field).to_be_focused()
        expect(note).to_have_attribute("aria-expanded", "true")
        shoot(page, "phone-composer-after-reload-and-note", full_page=False)

        page.locator("#note-form").get_by_role("link", name="Close").click()  # its own way out
        expect(field).to_be_hidden()
        expect(note).to_have_attribute("aria-expanded", "false")
    finally:
        phone.context.close()


# --- Issue 25, point 10: two reminders in the room, kept for no signal ------------------

def test_the_reminders_in_the_room_open_with_no_signal(browser, browser_context_args, home,
                                                        shoot):
    visit = home.make_visit("In the room")
    phone = phone_at(browser, browser_context_args, PORTRAIT)
    try:
        phone.ready_for(visit)
        phone.context.set_offline(True)
        page = phone.page
        page.reload()
        phone.expect_visit_screen(visit)
        page.get_by_role("link", name="Case summary").click()
        sheet = page.get_by_role("dialog", name=re.compile("to read out"))
        expect(sheet).to_be_visible()
        for reminder, words in (("It is fine to slow things down", "to say something again"),
                                ("One talk may not be enough", "more than one conversation")):
            expect(sheet.get_by_text(words)).to_be_hidden()
            sheet.get_by_text(reminder, exact=True).click()
            expect(sheet.get_by_text(words)).to_be_visible()
        shoot(page, "phone-in-the-room-offline", full_page=False)
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


# --- 11. The first view, upright and sideways -------------------------------------------

FULLY_IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  const bar = document.querySelector('.visit-bar').getBoundingClientRect();
  return { top: box.top, bottom: box.bottom, left: box.left, right: box.right,
           barTop: bar.top, width: innerWidth,
           inside: box.height > 0 && box.top >= 0 && box.left >= 0 && box.right <= innerWidth
                   && box.bottom <= Math.min(innerHeight, bar.top) };
}"""

MENU_CLIPPED = """() => {
  const list = document.querySelector('.site-header .nav-list');
  const clipped = [];
  if (list.scrollWidth > list.clientWidth)
    clipped.push(`the menu scrolls: ${list.scrollWidth} > ${list.clientWidth}`);
  for (const item of list.querySelectorAll('a, button')) {
    const box = item.getBoundingClientRect();
    if (item.scrollWidth > item.clientWidth || box.left < 0 || box.right > innerWidth)
      clipped.push(`${item.textContent.trim()}: ${Math.round(box.left)}-${Math.round(box.right)}`);
  }
  return clipped;
}"""

# What is left for the screen's own content in the first view: from the foot of the
# header and the sync bar (where they are above it) to the top of the fixed bottom bar.
CONTENT_HEIGHT = """() => {
  const bar = document.querySelector('.visit-bar').getBoundingClientRect();
  const above = Math.max(...['.site-header', '#sync-bar']
    .map((s) => document.querySelector(s).getBoundingClientRect())
    .filter((box) => box.top < bar.top).map((box) => box.bottom));
  return { content: bar.top - Math.max(0, above), height: innerHeight, bar: bar.height, above };
}"""


# The next question as a family writes one: four lines long at 100% text. At 200% a
# phone's width holds about a dozen words a screen, so there it is a library question.
LONG_QUESTION = ("If we wait three months before deciding on the operation, what could change "
                 "in that time, and which signs should make us call you sooner?")
LIBRARY_QUESTION = "Do you agree with the diagnosis? Why, or why not?"
QUESTION_AT = {"100%": LONG_QUESTION, "200%": LIBRARY_QUESTION}


def menu_whole(page, shoot, name, size):
    """The top menu, unfolded by "Menu" where the links do not fit in a row: every link whole."""
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
    main_menu = page.get_by_role("navigation", name="Main")
    expect(main_menu.get_by_role("link", name="Help")).to_be_visible()
    shoot(page, name, full_page=False)
    assert page.evaluate(MENU_CLIPPED) == [], f"at {size} text"


@contextmanager
def appointment_screen(browser, browser_context_args, home, label, viewport, size):
    """A phone of this size with text at `size`, on a visit whose next question is long,
    at the top of the screen once the sync bar has its words."""
    if size == "100%":
        visit = home.make_visit(label, keys=(), own=(LONG_QUESTION, "Who do we call after?"))
    else:
        visit = home.make_visit(label, keys=("diagnosis-agree", "treatment-agree"))
    phone = phone_at(browser, browser_context_args, viewport)
    try:
        phone.sign_in()
        phone.open_visit(visit)
        page = phone.page
        expect(page.locator(SYNC_SUMMARY)).to_contain_text("Everything is synced")
        larger_text(page, size)
        expect(page.locator("#questions-open li.question--next")).to_contain_text(QUESTION_AT[size])
        yield page
    finally:
        phone.context.close()


@pytest.mark.parametrize("size", ["100%", "200%"])
def test_first_view_holds_the_next_question_and_asked(browser, browser_context_args, home,
                                                      shoot, size):
    with appointment_screen(browser, browser_context_args, home, f"First view {size[:-1]}",
                            PORTRAIT, size) as page:
        question = page.locator("#questions-open li.question--next")
        shoot(page, f"phone-first-view-{size[:-1]}", full_page=False)
        text = question.locator(".question__text").evaluate(FULLY_IN_VIEW)
        asked = question.get_by_role("button", name="Asked").evaluate(FULLY_IN_VIEW)
        assert text["inside"], f"at {size} text the next question is cut: {text}"
        assert asked["inside"], f"at {size} text its Asked button is cut: {asked}"
        menu_whole(page, shoot, f"phone-first-view-{size[:-1]}-menu", size)


@pytest.mark.parametrize("size", ["100%", "200%"])
def test_sideways_keeps_half_the_height_for_content(browser, browser_context_args, home,
                                                    shoot, size):
    with appointment_screen(browser, browser_context_args, home, f"Sideways {size[:-1]}",
                            LANDSCAPE, size) as page:
        shoot(page, f"phone-sideways-{size[:-1]}", full_page=False)
        room = page.evaluate(CONTENT_HEIGHT)
        assert room["content"] >= room["height"] / 2, f"at {size} text: {room}"
        menu_whole(page, shoot, f"phone-sideways-{size[:-1]}-menu", size)
        page.evaluate("() => scrollTo(0, 0)")
        # Scrolled down, what stays fixed on the screen still leaves at least half.
        page.evaluate("() => scrollTo(0, document.body.scrollHeight / 2)")
        room = page.evaluate(CONTENT_HEIGHT)
        assert room["content"] >= room["height"] / 2, f"at {size} text, scrolled: {room}"
