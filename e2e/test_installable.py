"""Issue 4 in a real Chromium: Ask Twice installs as an app and opens like one.

Chromium's own verdict comes from the DevTools protocol: `Page.getAppManifest`
(the manifest it parsed, with its errors) and `Page.getInstallabilityErrors`.
Those need a profile on disk (an incognito context is never installable), so
that test uses a persistent context. The installed app's standalone display
is Chromium's own app mode (`--app=URL`: a window with no browser bar, where
`display-mode: standalone` matches), since CDP's media emulation does not
cover display-mode; that phone keeps the Pixel 7's size, touch and agent but
not Playwright's `is_mobile`, under which Chromium reports `browser`.
Headless Chromium never offers to install on its own, so the install button
is driven by a `beforeinstallprompt` event made in the page with the two
members our code uses (prompt, userChoice). iPhone Safari is recognised by
`navigator.standalone` (false in a Safari tab, absent elsewhere), which the
iPhone context defines before any script runs.
"""

import re

from phones import OFFLINE_HEADING, main_menu, new_phone, path_of, phone_with_profile
from playwright.sync_api import expect

IPHONE_SAFARI = """Object.defineProperty(Navigator.prototype, "standalone",
  { get: () => false, configurable: true });"""
QUESTIONS = re.compile("^Questions for")  # the preparation screen's heading
INSTALL_OFFER = """() => {
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  window.promptShown = 0;
  offer.prompt = async () => { window.promptShown += 1; };
  offer.userChoice = Promise.resolve({ outcome: "accepted", platform: "web" });
  window.dispatchEvent(offer);
}"""

BACK = re.compile(r"^\W*Back$")  # not "Read back" on the appointment screen


def test_chromium_finds_the_manifest_valid_and_the_app_installable(
        browser_type, browser_type_launch_args, browser_context_args, live_server, home, tmp_path):
    phone = phone_with_profile(browser_type, browser_type_launch_args, browser_context_args,
                               tmp_path / "profile")
    context = phone.context
    try:
        phone.sign_in()
        page = phone.page
        answer = page.request.get("/manifest.webmanifest")
        assert answer.ok and answer.headers["content-type"] == "application/manifest+json"
        manifest = answer.json()
        for icon in manifest["icons"]:
            served = page.request.get(icon["src"])
            assert served.ok and served.headers["content-type"] == "image/png", icon["src"]

        cdp = context.new_cdp_session(page)
        parsed = cdp.send("Page.getAppManifest")
        assert path_of(parsed["url"]) == "/manifest.webmanifest"
        assert parsed["errors"] == [], parsed["errors"]
        assert parsed["manifest"]["id"] == f"{live_server.url}/ask-twice"
        assert parsed["manifest"]["startUrl"] == f"{live_server.url}/start"
        assert parsed["manifest"]["display"] == "kStandalone"
        assert [icon["url"] for icon in parsed["manifest"]["icons"]] == [
            f"{live_server.url}{icon['src']}" for icon in manifest["icons"]]
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        context.close()


def test_the_installed_app_opens_the_next_visit_and_works_without_the_server(
        browser, browser_type, app_mode_launch_args, browser_context_args, live_server, home,
        axe, shoot, tmp_path):
    visit = home.make_visit("Ines", start_time="00:01")  # the soonest visit from today on
    tab = new_phone(browser, browser_context_args, "tab")
    try:
        tab.sign_in()
        expect(tab.page.get_by_role("link", name=BACK),
               "no Back button in a browser tab: the browser has one").to_be_hidden()
        start_url = tab.page.request.get("/manifest.webmanifest").json()["start_url"]
    finally:
        tab.context.close()

    phone = phone_with_profile(browser_type, app_mode_launch_args, browser_context_args,
                               tmp_path / "profile", f"--app={live_server.url}{start_url}",
                               is_mobile=False)
    page = phone.page
    back = page.get_by_role("link", name=BACK)
    try:
        phone.sign_in()  # the app opened on /start and was sent to sign in
        page.goto(start_url)
        phone.expect_visit_screen(visit)
        assert page.evaluate("() => matchMedia('(display-mode: standalone)').matches")
        expect(back, "the installed app has no browser bar: ours shows").to_be_visible()
        axe.check(page, "standalone visit screen")
        shoot(page, "install-01-standalone-next-visit", full_page=False)
        page.emulate_media(color_scheme="dark")
        shoot(page, "install-02-standalone-next-visit-dark", full_page=False)
        page.emulate_media(color_scheme="light")

        # "Back" goes back, as the browser's button would.
        main_menu(page).get_by_role("link", name="Help").click()
        expect(page.get_by_role("heading", level=1, name="Help")).to_be_visible()
        back.click()
        phone.expect_visit_screen(visit)

        # With the server stopped: the app still opens on the visit made ready,
        # and a screen never opened shows our offline page, not the browser's.
        # Before that the session times out: /start then leads to sign in, which
        # the worker must not remember in place of the visit.
        phone.get_ready()
        phone.context.clear_cookies()
        page.goto(start_url)
        expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
        live_server.stop()
        try:
            page.goto(start_url)
            phone.expect_visit_screen(visit)
            answer = page.goto("/children/new?never=cached")
            assert answer is not None and answer.ok, "a browser error instead of our offline page"
            expect(page.get_by_role("heading", level=1, name=OFFLINE_HEADING)).to_be_visible()
            axe.check(page, "offline page in the installed app")
            shoot(page, "install-03-standalone-offline-page", full_page=False)
        finally:
            live_server.start()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_an_iphone_sees_the_add_to_home_screen_steps_once_and_always_in_help(
        browser, browser_context_args, playwright, home, axe, shoot):
    visit = home.make_visit("Jonas")
    iphone = {k: v for k, v in playwright.devices["iPhone 13"].items()
              if k != "default_browser_type"}
    phone = new_phone(browser, browser_context_args, "iphone", **iphone)
    phone.context.add_init_script(IPHONE_SAFARI)
    page = phone.page
    offer = page.locator("#install-offer")
    try:
        phone.sign_in()
        page.goto(f"{visit.path}/questions")
        expect(offer).to_be_visible()
        expect(offer.get_by_text("Add to Home Screen")).to_be_visible()
        expect(offer.get_by_role("button", name="Install on this phone")).to_be_hidden()
        axe.check(page, "preparation screen with the iPhone steps")
        shoot(page, "install-04-iphone-hint", full_page=False)
        offer.scroll_into_view_if_needed()
        shoot(page, "install-05-iphone-hint-steps", full_page=False)

        offer.get_by_role("button", name="Not now").click()
        expect(offer).to_be_hidden()
        expect(page.locator("#chosen-heading"), "focus moves on, not to the page").to_be_focused()
        page.reload()
        expect(page.get_by_role("heading", level=1, name=QUESTIONS)).to_be_visible()
        expect(offer, "shown once only").to_be_hidden()

        main_menu(page).get_by_role("link", name="Help").click()
        steps = page.locator("#install ~ .install-steps")
        expect(steps.get_by_text("Add to Home Screen")).to_be_visible()
        axe.check(page, "help")
        shoot(page, "install-06-help")
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()


def test_the_install_button_follows_the_browsers_offer(
        browser, browser_context_args, home, axe, shoot):
    visit = home.make_visit("Kemal")
    phone = new_phone(browser, browser_context_args, "phone")
    page = phone.page
    offer = page.locator("#install-offer")
    button = offer.get_by_role("button", name="Install on this phone")
    try:
        phone.sign_in()
        page.goto(f"{visit.path}/questions")
        expect(page.get_by_role("heading", level=1, name=QUESTIONS)).to_be_visible()
        expect(offer, "no offer from the browser, no iPhone: nothing to show").to_be_hidden()

        page.evaluate(INSTALL_OFFER)
        expect(button).to_be_visible()
        expect(offer.locator("[data-iphone-hint]"), "not an iPhone").to_be_hidden()
        axe.check(page, "preparation screen with the install button")
        offer.scroll_into_view_if_needed()
        shoot(page, "install-07-install-button", full_page=False)
        button.click()
        # The offers' code loads on first use: the prompt follows the tap a moment later.
        page.wait_for_function("() => window.promptShown >= 1")
        assert page.evaluate("() => window.promptShown") == 1

        page.evaluate("() => window.dispatchEvent(new Event('appinstalled'))")
        expect(button).to_be_hidden()
        expect(page.locator("#status")).to_have_text(re.compile("on this phone now"))
        page.goto("/help")
        expect(page.get_by_role("button", name="Install on this phone"),
               "installed: no button on Help either").to_be_hidden()
        assert phone.errors == [], "uncaught errors in the page"
    finally:
        phone.context.close()
