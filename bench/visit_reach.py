"""Count the taps and scrolls from the appointment screen's first paint to what a parent needs.

At Pixel 7 size with 10 prepared questions and no consent logged yet, it
prints, at the default text size and at 200% text, for a phone that made the
visit ready at home (as in the clinic) and for one that has not: the taps to a
focused note composer, the scrolls to see the next question whole (and whether
one tap on "Questions" shows it), and the taps to reach "They agreed". A scroll
is one swipe of 80% of what the screen shows above the bottom bar.
Goals (issue 10): composer focused in 1 tap, next question with no scroll,
consent buttons in at most 1 tap.
Run: .venv/bin/python bench/visit_reach.py
"""

import math

from _support import live_server, signed_in_phone
from playwright.sync_api import sync_playwright

QUESTIONS = 10
NEXT = ".question--next .question__text"
AGREED = "#consent-form button[value=agreed]"

# Where a box sits against what the screen shows above the bottom bar.
PLACE = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const bar = document.querySelector('.visit-bar').getBoundingClientRect();
  const seen = Math.min(innerHeight, bar.top);
  return {top: box.top, bottom: box.bottom, seen,
          visible: box.height > 0 && box.top >= 0 && box.bottom <= seen};
}"""


def scrolls(place):
    if place["visible"]:
        return 0
    return math.ceil((place["bottom"] - place["seen"]) / (0.8 * place["seen"]))


def first_paint(page, url, visit_id, text_size):
    page.goto(f"{url}/visits/{visit_id}")
    page.wait_for_load_state("networkidle")
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}%'")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)


def measure(page, url, visit_id, text_size):
    first_paint(page, url, visit_id, text_size)
    page.locator("[data-bar=note]").tap()
    focused = page.evaluate("document.activeElement.id") == "note-text"
    composer = "1 tap" if focused else "not in 1 tap"

    first_paint(page, url, visit_id, text_size)
    place = page.evaluate(PLACE, NEXT)
    page.locator("[data-bar=questions]").tap()
    after_tap = "yes" if page.evaluate(PLACE, NEXT)["visible"] else "no"
    question = (f"{scrolls(place)} scrolls (its text at {place['top']:.0f}-{place['bottom']:.0f}"
                f" px, the screen shows 0-{place['seen']:.0f}); one tap on Questions shows it:"
                f" {after_tap}")

    first_paint(page, url, visit_id, text_size)
    if page.evaluate(PLACE, AGREED)["visible"]:
        consent = "0 taps"
    else:
        page.locator("[data-bar=consent]").tap()
        after = page.evaluate(PLACE, AGREED)
        consent = "1 tap" if after["visible"] else f"1 tap and {scrolls(after)} scrolls"
    return composer, question, consent


def report(page, url, visit_id, state):
    for size in (100, 200):
        composer, question, consent = measure(page, url, visit_id, size)
        print(f"{state}, text at {size}%:")
        print(f"  note composer focused: {composer}")
        print(f"  next question whole in view: {question}")
        print(f"  'They agreed' reachable: {consent}")


def main():
    with live_server(questions=QUESTIONS) as (url, visit_id, _), sync_playwright() as playwright:
        browser, context, page = signed_in_phone(playwright, url)
        print(f"Pixel 7 (412x839), {QUESTIONS} questions, no consent logged")
        report(page, url, visit_id, "not yet made ready")
        page.goto(f"{url}/visits/{visit_id}")
        page.click("[data-get-ready]")
        page.wait_for_selector("[data-ready-status].ready")
        report(page, url, visit_id, "made ready at home (as in the clinic)")
        browser.close()


if __name__ == "__main__":
    main()
