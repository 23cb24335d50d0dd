"""End to end in headless Chromium: officials take a case from signal to closed in the web UI,
clicking as each role in turn.

Runs Debian's chromium (/usr/bin/chromium) through Playwright's sync API against pytest-django's
live_server. Screenshots of the main pages go to test-artifacts/screenshots/."""

import os
import re
from pathlib import Path

import pytest

from access.roles import Role

from .factories import give_second_factor

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"
CODES = [f"{n:08d}" for n in range(10000001, 10000041)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Session:
    """One browser context per person; records CSP violations and screenshots."""

    def __init__(self, browser, live_server, user):
        self.base = live_server.url
        self.user = user
        self.context = browser.new_context(locale="nl-NL", accept_downloads=True)
        self.page = self.context.new_page()
        self.csp_errors = []
        self.page.on("console", lambda msg: self._console(msg))
        self.codes = iter(CODES)

    def _console(self, msg):
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            self.csp_errors.append(msg.text)

    def goto(self, path):
        self.page.goto(self.base + path)
        return self.page

    def login(self):
        page = self.goto("/login/")
        page.get_by_label("Gebruikersnaam").fill(self.user.username)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_label(re.compile("back-upcode")).fill(next(self.codes))
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        assert "/login/" not in page.url, page.content()[:2000]
        return page

    def shot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def transition(self, target_label, reason=""):
        page = self.page
        page.locator("summary", has_text=f"Naar „{target_label}”").click()
        form = page.locator("details[open] form")
        if reason:
            form.get_by_label(re.compile("^Reden")).fill(reason)
        form.get_by_role("button", name=re.compile("Bevestig")).click()
        page.wait_for_load_state()
        return page

    def close(self):
        assert not self.csp_errors, self.csp_errors
        self.context.close()


@pytest.fixture
def people(make_user):
    users = {
        "officer": make_user("officer", Role.CASE_OFFICER),
        "assessor": make_user("assessor", Role.RISK_ASSESSOR),
        "assessor2": make_user("assessor2", Role.RISK_ASSESSOR),
        "secretariat": make_user("secretariat", Role.CABINET_SECRETARIAT),
        "secretariat2": make_user("secretariat2", Role.CABINET_SECRETARIAT),
        "manager": make_user("manager", Role.FUND_MANAGER),
        "manager2": make_user("manager2", Role.FUND_MANAGER),
        "liaison": make_user("liaison", Role.PARLIAMENTARY_LIAISON),
        "outsider": make_user("outsider", Role.CASE_OFFICER),
    }
    for user in users.values():
        give_second_factor(user, backup_codes=CODES)
    return users


def test_a_case_from_signal_onwards(browser, live_server, people):
    from cases.models import Case

    # --- the case officer records the signal and forms the team ------------------------------
    officer = Session(browser, live_server, people["officer"])
    page = officer.login()
    assert page.get_by_role("heading", name="Mijn werk").is_visible()
    officer.shot("01-mijn-werk")
    page = officer.goto("/cases/new/")
    page.get_by_label("Titel").fill("Voorgenomen overname chipleverancier")
    page.get_by_label("Samenvatting").fill("Signaal over een overname op aanwijzing van een statelijke actor.")
    page.get_by_label("Rubricering").select_option("vertrouwelijk")
    page.get_by_label("Bron van het signaal").select_option("wet_vifo_bti")
    page.get_by_label("Naam doelonderneming").fill("Voorbeeld Photonics B.V.")
    page.get_by_label("KvK-nummer").fill("1234")  # wrong: shown at the field
    page.get_by_label("Sensitieve technologie", exact=True).check()
    page.get_by_label("Beoogde investeerder/overnemer").fill("Example State Holdings Ltd.")
    page.get_by_label("Land van de investeerder").fill("CN")
    page.get_by_label("Statelijke actor").select_option("on_instructions")
    page.get_by_label(re.compile("Essentiële toeleverancier")).check()
    page.get_by_label("Wet vifo (veiligheidstoets", exact=False).check()
    page.get_by_label("Waarom bestaande instrumenten tekortschieten").fill("Toeleverancier valt niet onder de Wet vifo.")
    page.get_by_label("Marktfinanciering verkend").select_option("true")
    page.get_by_role("button", name="Signaal vastleggen").click()
    assert page.locator(".field-invalid .field-error").first.is_visible()
    assert "precies 8 cijfers" in page.locator(".field-invalid").first.inner_text()
    officer.shot("02-nieuw-signaal-fout")
    assert Case.objects.count() == 0
    page.get_by_label("KvK-nummer").fill("12345678")
    page.get_by_role("button", name="Signaal vastleggen").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    for username, role in [("assessor", "risk_assessor"), ("assessor2", "risk_assessor"),
                           ("secretariat", "cabinet_secretariat"), ("secretariat2", "cabinet_secretariat"),
                           ("manager", "fund_manager"), ("manager2", "fund_manager"),
                           ("liaison", "parliamentary_liaison")]:
        page.locator("summary", has_text="Teamlid toevoegen").click()
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Rol in de casus").select_option(role)
        page.get_by_role("button", name="Toevoegen", exact=True).click()
        page.wait_for_load_state()
    officer.transition("Intake")
    officer.shot("03-casus-intake")
    officer.transition("Risico-inschatting")
    case.refresh_from_db()
    assert case.state == "risk_assessment"
    assert page.locator('g.current[data-state="risk_assessment"]').count() == 1

    # --- a person not on the team cannot reach the case ----------------------------------------
    outsider = Session(browser, live_server, people["outsider"])
    outsider.login()
    response = outsider.page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert response.status == 404
    assert case.reference not in outsider.page.content()
    outsider.shot("04-niet-teamlid-404")
    outsider.close()
    officer.close()
