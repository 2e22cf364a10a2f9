"""Issue 10, the appointment screen for a hurried hand, in Chromium at Pixel 7 size:
the bottom bar (Questions, Note, Recording), the composer that stays open, the
next question first, "Ask this next", the consent banner first, the case summary
and the read-back full screen, drafts kept in IndexedDB, calm feedback, and the
screen kept awake. The flow runs online and with the server stopped.

Each test prepares its own visit from the home computer (e2e/phones.py).
"""

import re

import pytest
from phones import (
    SAVED_ON_PHONE,
    main_menu,
    new_phone,
    open_answer_box,
    phone_with_profile,
    poll,
)
from playwright.sync_api import expect

TEN = ("diagnosis-agree", "diagnosis-how-sure", "diagnosis-evidence-for",
       "diagnosis-evidence-against", "diagnosis-other-possibilities", "diagnosis-stage-type",
       "diagnosis-more-tests", "diagnosis-test-results", "diagnosis-own-review",
       "diagnosis-records-missing")

# The part of the screen above the bottom bar, where a box must sit to be seen.
IN_VIEW = """(element) => {
  const box = element.getBoundingClientRect();
  const bar = document.querySelector('.visit-bar').getBoundingClientRect();
  return box.height > 0 && box.top >= 0 && box.bottom <= Math.min(innerHeight, bar.top);
}"""


def in_view(locator):
    return locator.evaluate(IN_VIEW)


def bar(page, name):
    return page.locator(".visit-bar").get_by_role("link", name=name)


def tab_walk(page, presses):
    """Press Tab up to `presses` times from the top, once round the page; each stop's name
    and its place on the page (the bottom bar, fixed to the screen, is left out: it is
    always in reach)."""
    page.evaluate("() => { scrollTo(0, 0); document.querySelector('.skip-link').focus(); }")
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => {
          const element = document.activeElement;
          if (element && element.classList.contains('skip-link')) return { round: true };
          if (!element || element === document.body || element.closest('.visit-bar')) return null;
          return { name: (element.innerText || element.value || element.id || '').trim(),
                   top: Math.round(element.getBoundingClientRect().top + scrollY) };
        }""")
        if stop and stop.get("round"):
            break
        if stop:
            stops.append(stop)
    return stops


def rules_of_pages_css_that_touch(page):
    """The selectors of pages.css (which the appointment screen does not load, to keep
    its first load small) that match something on the screen as it is now, in any
    media: each one would be a style missing there."""
    return page.evaluate("""async () => {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(await (await fetch('/static/build/pages.css')).text());
      const touching = [];
      const visit = (rules) => { for (const rule of rules) {
        if (rule instanceof CSSPageRule) continue; // a printed page's margins, no element
        if (rule.cssRules && !rule.selectorText) { visit(rule.cssRules); continue; }
        if (!rule.selectorText) continue;
        const bare = rule.selectorText.replace(/::?(before|after|marker|placeholder)\\b/g, '');
        try { if (document.querySelector(bare)) touching.push(rule.selectorText); }
        catch (error) { touching.push(`unreadable: ${rule.selectorText}`); }
      } };
      visit(sheet.cssRules);
      return touching;
    }""")


def larger_text_and_dark(page, shoot, axe, name):
    """The same state at 200% text and in dark mode: looked at, and checked by axe; and
    no rule the screen leaves out (pages.css) would have styled it."""
    assert page.locator("link[href*='pages.css']").count() == 0
    touching = rules_of_pages_css_that_touch(page)
    assert touching == [], f"{name}: {touching}"
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    shoot(page, f"{name}-200", full_page=False)
    axe.check(page, f"{name} at 200% text")
    page.evaluate("() => { document.documentElement.style.fontSize = ''; }")
    page.emulate_media(color_scheme="dark")
    shoot(page, f"{name}-dark", full_page=False)
    axe.check(page, f"{name} in dark mode")
    page.emulate_media(color_scheme="light")


def in_visit_flow(phone, visit, shoot, axe, label):
    """One visit, through the bottom bar only, from first paint to the read-back."""
    page = phone.page
    live = page.locator("[aria-live], [role=status], [role=alert], [role=log]")
    expect(live).to_have_count(1)  # one polite live region: #status
    expect(page.locator("#status")).to_have_attribute("aria-live", "polite")
    expect(page.locator("[data-sync-summary]")).not_to_have_attribute("aria-live", re.compile("."))

    # First paint: the consent banner first, with its buttons; the next question in view.
    page.evaluate("() => window.scrollTo(0, 0)")
    consent = page.get_by_role("region", name="Ask before you record")
    expect(consent).to_contain_text("No one has agreed. Do not record.")
    assert page.evaluate("() => document.querySelector('#main section').id") == "consent"
    shoot(page, f"visit-{label}-01-first-paint", full_page=False)
    agreed = consent.get_by_role("button", name="They agreed")
    assert in_view(agreed), "the consent buttons are not on the first screen"
    questions = page.locator("#questions-open li[data-question]")
    first = questions.nth(0)
    expect(first).to_have_class(re.compile(r"\bquestion--next\b"))
    expect(first.locator(".question__next-label")).to_have_text("Ask next")
    assert in_view(first.locator(".question__text")), "the next question needs a scroll"
    expect(page.locator(".question--next")).to_have_count(1)
    expect(page.locator("#asked-group")).to_be_hidden()
    title_at = page.locator("h1").bounding_box()["y"]
    recording = bar(page, "Recording")
    expect(recording).to_have_accessible_name("Recording (not asked yet)")  # the mark: ask first
    axe.check(page, f"appointment ({label}), first paint")
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-01-first-paint")

    # At 200% text the first view still holds the next question whole (the consent
    # banner follows the questions there), and "Recording" is one tap to its buttons.
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; scrollTo(0, 0); }")
    assert in_view(first.locator(".question__text")), "at 200% text the next question is hidden"
    shoot(page, f"visit-{label}-01b-first-paint-200-question-first", full_page=False)
    recording.click()
    assert in_view(agreed), "at 200% text 'They agreed' is not in view after one tap"
    shoot(page, f"visit-{label}-01c-200-after-tapping-recording", full_page=False)
    # Keys follow the screen there: from the title down, the next question's "Asked"
    # before the consent buttons under it, and never back up the page.
    walk = tab_walk(page, 60)
    order = [stop["name"] for stop in walk]
    assert order.index("Asked") < order.index("They agreed"), order
    for before, after in zip(walk, walk[1:], strict=False):
        assert after["top"] >= before["top"] - 2, f"Tab goes up the screen: {before} then {after}"
    # Back at 100% text the consent step is first again, for eyes and keys alike.
    page.evaluate("() => { document.documentElement.style.fontSize = ''; scrollTo(0, 0); }")
    page.wait_for_function("() => document.getElementById('consent').compareDocumentPosition("
                           "document.getElementById('questions'))"
                           " & Node.DOCUMENT_POSITION_FOLLOWING")
    order = [stop["name"] for stop in tab_walk(page, 60)]
    assert order.index("They agreed") < order.index("Asked"), order

    # Note: one tap, focused, with the tags; it stays open for the next note.
    bar(page, "Note").click()
    field = page.locator("#note-text")
    expect(field).to_be_focused()
    expect(bar(page, "Note")).to_have_attribute("aria-expanded", "true")
    for text, tags in (("Blood test every 8 weeks", ("next-step",)),
                       ("Ask about the eye check", ())):
        field.fill(text)
        for tag in tags:
            page.locator(f"#tag-{tag}").check()
        page.locator("#save-note").click()
        expect(page.locator("#note-form [data-saved-here]")).to_have_text("Saved on this phone")
        expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)
        expect(field).to_have_value("")
        expect(field).to_be_focused()
        expect(phone.note(text)).to_have_count(1)
        page.wait_for_timeout(1100)  # a second tap within a second would be a double tap
    assert in_view(field), "the composer is hidden behind something"
    axe.check(page, f"appointment ({label}), composer open")
    shoot(page, f"visit-{label}-02-composer-after-save", full_page=False)
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-02-composer")
    expect(page.locator("#status")).to_have_css("clip-path", "inset(50%)")  # heard, not a toast

    # Questions: one tap brings the next one into view and puts focus on it.
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.locator("#note-form").get_by_role("link", name="Close").click()  # "Note" only opens it
    expect(field).to_be_hidden()
    bar(page, "Questions").click()
    expect(first).to_be_focused()
    assert in_view(first.locator(".question__text"))

    # Asked: one tap. The question stays in view (its answer still to write); the next moves on.
    first_id = first.get_attribute("id").removeprefix("question-")
    first.get_by_role("button", name="Asked").click()
    expect(page.locator(f"#asked-{first_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#asked-{first_id}")).to_be_focused()
    expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)
    second = page.locator("#questions-open li[data-question]").nth(1)
    expect(second).to_have_class(re.compile(r"\bquestion--next\b"))
    answer = "Yes, and the scan supports it."
    open_answer_box(page, first_id).fill(answer)
    page.locator(f"#save-answer-{first_id}").click()
    expect(page.locator(f"#answers-{first_id} li[data-capture-id]")).to_contain_text(answer)
    expect(page.locator(f"#question-{first_id} [data-saved-here]")).to_have_text(
        "Saved on this phone")

    # Ask this next: the fifth question goes to the top of what is left to ask.
    fifth = page.locator("#questions-open li[data-question]").nth(4)
    fifth_id = fifth.get_attribute("id").removeprefix("question-")
    fifth.get_by_role("button", name="Ask this next").click()
    moved = page.locator(f"#question-{fifth_id}")
    expect(moved).to_have_class(re.compile(r"\bquestion--next\b"))
    expect(moved).to_be_focused()
    expect(page.locator("#questions-open li[data-question]").nth(1)).to_have_id(
        f"question-{fifth_id}")
    expect(moved.get_by_role("button", name="Ask this next")).to_be_hidden()

    # Asking it folds the earlier one into "Asked"; this one stays in view.
    moved.get_by_role("button", name="Asked").click()
    expect(page.locator(f"#asked-{fifth_id}")).to_have_attribute("aria-pressed", "true")
    group = page.locator("#asked-group")
    expect(group).to_be_visible()
    expect(group.locator("> summary")).to_have_text("Asked: 1")
    expect(group.locator(f"#question-{first_id}")).to_have_count(1)
    expect(group.locator(f"#question-{first_id}")).to_be_hidden()  # folded
    axe.check(page, f"appointment ({label}), questions asked")
    shoot(page, f"visit-{label}-03-questions", full_page=False)

    # Recording: one tap to the banner; the answer logged; focus on what was logged.
    bar(page, "Recording").click()
    expect(page.locator("#consent")).to_be_focused()
    assert in_view(agreed)
    agreed.click()
    status = page.locator("#consent-status")
    expect(status).to_contain_text(re.compile(rf"^\s*{re.escape(visit.clinician)} agreed at"))
    expect(status).to_be_focused()
    expect(page.locator("[data-consent-ask]")).not_to_have_attribute("open", "")
    expect(status.get_by_role("button", name="Record that they withdrew")).to_be_visible()
    expect(recording).to_have_accessible_name("Recording")  # asked: the mark is gone
    shoot(page, f"visit-{label}-04-consent-agreed", full_page=False)
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-04-consent-agreed")

    # The sync status never moved the page.
    page.evaluate("() => window.scrollTo(0, 0)")
    assert page.locator("h1").bounding_box()["y"] == title_at, "the page shifted"

    # The case summary full screen, one tap from the top.
    page.get_by_role("link", name="Case summary").click()
    read_out = page.get_by_role("dialog", name=re.compile("to read out"))
    expect(read_out).to_be_visible()
    expect(read_out).to_contain_text(visit.child)
    expect(read_out.locator(".summary-list dd").first).to_have_css("font-size", "24px")
    axe.check(page, f"appointment ({label}), case summary full screen")
    shoot(page, f"visit-{label}-05-case-summary", full_page=False)
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-05-case-summary")
    read_out.get_by_role("button", name="Close").click()
    expect(read_out).to_be_hidden()

    # Read back: the answers, what is not asked yet, and the next steps.
    page.get_by_role("link", name="Read back").click()
    read_back = page.get_by_role("dialog", name="Read back")
    expect(read_back).to_be_visible()
    expect(read_back.locator("[data-read-back=answers] li")).to_have_count(1)
    expect(read_back.locator("[data-read-back=answers]")).to_contain_text(answer)
    expect(read_back.locator("[data-read-back=unasked] li")).to_have_count(len(TEN) - 2)
    expect(read_back.locator("[data-read-back=next-steps] li")).to_have_text(
        ["Blood test every 8 weeks"])
    axe.check(page, f"appointment ({label}), read back")
    shoot(page, f"visit-{label}-06-read-back", full_page=False)
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-06-read-back")
    read_back.get_by_role("button", name="Close").click()
    larger_text_and_dark(page, shoot, axe, f"visit-{label}-07-after")
    return first_id, fifth_id, answer


def check_on_the_server(home, visit, answer):
    held = home.summary(visit)
    assert sorted(held["notes"]) == ["Ask about the eye check", "Blood test every 8 weeks"], held
    assert held["answers"] == [answer], held
    assert held["asked"] == f"2 of {len(TEN)} asked.", held
    assert len(held["consent"]) == 1, held


def test_in_visit_flow_online(browser, browser_context_args, home, shoot, axe):
    visit = home.make_visit("Ines", keys=TEN)
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()
        phone.open_visit(visit)
        _, _, answer = in_visit_flow(phone, visit, shoot, axe, "online")
        phone.sync_until_done()
        check_on_the_server(home, visit, answer)
        assert phone.errors == [], phone.errors
    finally:
        phone.context.close()


def test_in_visit_flow_with_the_server_stopped(browser, browser_context_args, home, live_server,
                                               shoot, axe):
    visit = home.make_visit("Jon", keys=TEN)
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.ready_for(visit)
        live_server.stop()
        try:
            phone.page.reload()  # answered by the service worker
            phone.expect_visit_screen(visit)
            _, _, answer = in_visit_flow(phone, visit, shoot, axe, "offline")
            # Reloaded with no server: the order, the folds and the status hold.
            phone.page.reload()
            page = phone.page
            expect(page.locator("#asked-group > summary")).to_have_text("Asked: 2")
            expect(page.locator("#consent-status")).to_contain_text("agreed at")
            expect(page.locator(".question--next")).to_have_count(1)
            assert phone.pending() == 6  # 2 notes, 2 ticks, an answer, consent
        finally:
            live_server.start()
        phone.sync_until_done()
        check_on_the_server(home, visit, answer)
        assert phone.errors == [], phone.errors
    finally:
        phone.context.close()


def drafts(page, visit):
    return page.evaluate("""async (id) => {
      const keys = ['note-text', 'consent-who'];
      const out = {};
      const drafts = await AskTwiceDB.draftsOf(`draft:${id}:`);
      for (const key of keys) out[key] = drafts.get(`draft:${id}:${key}`) || null;
      return out;
    }""", visit.id)


def test_drafts_survive_reload_and_browser_restart(browser_type, browser_type_launch_args,
                                                    browser_context_args, home, shoot, tmp_path):
    """A half-typed note, answer and consent name come back after a reload and after the
    browser is closed and opened again (offline); they never enter the outbox."""
    visit = home.make_visit("Kit")
    profile = tmp_path / "phone-profile"
    phone = phone_with_profile(browser_type, browser_type_launch_args, browser_context_args,
                               profile)
    note, answer, who = "Half a note about the", "She said maybe", "Nurse Adeyemi"
    try:
        phone.ready_for(visit)
        page = phone.page
        question = phone.question_ids()[0]
        bar(page, "Note").click()
        page.locator("#note-text").press_sequentially(note)
        open_answer_box(page, question).press_sequentially(answer)
        page.locator("#consent .consent__who summary").click()
        page.locator("#consent-who").fill(who)
        poll(lambda: drafts(page, visit)["consent-who"], bool, what="the name's draft stored")
        assert phone.pending() == 0, "a draft went into the outbox"
        page.get_by_role("button", name="Sync now").click()
        page.wait_for_timeout(1000)
        held = home.summary(visit)
        assert held["notes"] == [] and held["answers"] == [] and held["consent"] == [], held
        phone.context.set_offline(True)

        def expect_drafts_back():
            expect(page.locator("#note-text")).to_have_value(note)
            expect(page.locator("#note-text")).to_be_visible()  # the composer reopened
            expect(page.locator(f"#answer-{question}")).to_have_value(answer)
            expect(page.locator(f"#answer-{question}")).to_be_visible()
            expect(page.locator("#consent-who")).to_have_value(who)

        page.reload()
        expect_drafts_back()
        shoot(page, "visit-drafts-after-reload", full_page=False)
    finally:
        phone.context.close()

    phone = phone_with_profile(browser_type, browser_type_launch_args, browser_context_args,
                               profile)
    try:
        phone.context.set_offline(True)
        page = phone.page
        page.goto(visit.path)
        expect_drafts_back()
        shoot(page, "visit-drafts-after-restart", full_page=False)
        assert phone.pending() == 0

        # Saved, the note's draft goes: a reload brings back an empty composer.
        page.locator("#save-note").click()
        expect(phone.note(note)).to_have_count(1)
        poll(lambda: drafts(page, visit)["note-text"], lambda value: value is None,
             what="the note's draft dropped after saving")
        page.reload()
        expect(page.locator("#note-text")).to_have_value("")
        expect(page.locator(f"#answer-{question}")).to_have_value(answer)
    finally:
        phone.context.close()


@pytest.mark.parametrize("kind", ["agreed", "declined", "withdrawn"])
def test_consent_banner_and_status_after_reload(browser, browser_context_args, home, kind, shoot):
    """For each kind, after a reload: the status says the latest entry, the answer buttons
    fold under it, and withdrawing is offered (as a button) only after an agreement."""
    visit = home.make_visit(f"Lee {kind}")
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        phone.sign_in()
        phone.open_visit(visit)
        page = phone.page
        consent = page.locator("#consent")
        answer = "They said no" if kind == "declined" else "They agreed"
        consent.get_by_role("button", name=answer).click()
        if kind == "withdrawn":
            consent.get_by_role("button", name="Record that they withdrew").click()
            expect(consent.locator("#consent-log li")).to_have_count(2)
        expect(page.locator("#status")).to_have_text(SAVED_ON_PHONE)
        page.reload()
        said = {"agreed": "agreed at", "declined": "said no to recording at",
                "withdrawn": "withdrew permission at"}[kind]
        expect(page.locator("#consent-status")).to_contain_text(
            re.compile(rf"^\s*{re.escape(visit.clinician)} {said} \d\d:\d\d\."))
        expect(page.locator("[data-consent-ask]")).not_to_have_attribute("open", "")
        withdraw = page.get_by_role("button", name="Record that they withdrew")
        expect(withdraw).to_have_count(1 if kind == "agreed" else 0)
        page.locator("#consent .consent__ask-open").click()  # asking again: one tap
        expect(consent.get_by_role("button", name="They agreed")).to_be_visible()
        shoot(page, f"visit-consent-{kind}-after-reload", full_page=False)
    finally:
        phone.context.close()


WAKE_LOCK_SPY = """
if ('wakeLock' in navigator) {
  window.__wakeLock = { requested: 0, released: 0 };
  const real = navigator.wakeLock.request.bind(navigator.wakeLock);
  navigator.wakeLock.request = async (type) => {
    window.__wakeLock.requested += 1;
    const sentinel = await real(type).catch(() => null);
    const fake = new EventTarget();
    fake.released = false;
    fake.release = async () => {
      window.__wakeLock.released += 1;
      fake.released = true;
      if (sentinel) await sentinel.release();
      fake.dispatchEvent(new Event('release'));
    };
    return fake;
  };
}
"""


def test_wake_lock_held_on_the_visit_screen_only(browser, browser_context_args, home):
    """Screen Wake Lock is asked for on the appointment screen and let go on leaving it.
    Chromium's own lock may be refused headless, so the spy answers with a sentinel of its
    own after trying the real one."""
    visit = home.make_visit("Mo")
    phone = new_phone(browser, browser_context_args, "phone")
    try:
        page = phone.page
        phone.context.add_init_script(WAKE_LOCK_SPY)
        phone.sign_in()
        if not page.evaluate("() => 'wakeLock' in navigator"):
            pytest.skip("this Chromium has no Screen Wake Lock")
        assert page.evaluate("() => window.__wakeLock.requested") == 0, "asked off the screen"
        phone.open_visit_from_home(visit)
        poll(lambda: page.evaluate("() => window.__wakeLock.requested"), lambda n: n == 1,
             what="the wake lock asked for once")
        main_menu(page).get_by_role("link", name="Home").click()  # folded behind "Menu" here
        expect(page.get_by_role("heading", level=1, name=re.compile("^Hello"))).to_be_visible()
        poll(lambda: page.evaluate("() => window.__wakeLock.released"), lambda n: n == 1,
             what="the wake lock let go on leaving the screen")
        phone.open_visit_from_home(visit)
        poll(lambda: page.evaluate("() => window.__wakeLock.requested"), lambda n: n == 2,
             what="the wake lock asked for again on coming back")
    finally:
        phone.context.close()
