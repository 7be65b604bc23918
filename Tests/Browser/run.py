#!/usr/bin/env python3
"""Browser tests of StackPlan's web pages (issue 14), run by `make test-browser`.

Starts `stackplan serve` on a free loopback port with a new database holding the bundled catalogue,
drives headless Chromium through every journey as a person would (sign in, build a profile, plan,
follow a relaxation, compare, run a batch to completion with progress, make an edit with a
validation error), asserts on each page's content, saves a screenshot of every page, and stops the
server whatever happens.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Server:
    """`stackplan serve` on a new database, on a port the system picks."""

    def __init__(self, binary):
        self.folder = tempfile.mkdtemp(prefix="stackplan-browser-")
        self.database = os.path.join(self.folder, "web.sqlite")
        subprocess.run([binary, "import", os.path.join(REPOSITORY, "data/catalogue.json"), "--db", self.database],
                       check=True, stdout=subprocess.DEVNULL)
        self.process = subprocess.Popen(
            [binary, "serve", "--db", self.database, "--port", "0", "--schemes", os.path.join(REPOSITORY, "data/cpd-schemes.json")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPOSITORY)
        self.passwords = {}
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the server stopped before it listened")
            account = re.match(r"\s+(demo-\w+)\s+role \w+\s+password (\S+)", line)
            if account:
                self.passwords[account.group(1)] = account.group(2)
            listening = re.search(r"listening on (http://[^/]+)/", line)
            if listening:
                self.url = listening.group(1)
                return
        raise RuntimeError("the server did not say where it listens within 60 seconds")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


class Journeys:
    def __init__(self, driver, server, screenshots):
        self.driver = driver
        self.server = server
        self.screenshots = screenshots
        self.passed = []
        self.failed = []

    # helpers

    def open(self, path):
        self.driver.get(self.server.url + path)

    def text(self):
        # Whitespace normalised: a wrapped line is one line to a reader.
        return " ".join(self.driver.find_element(By.TAG_NAME, "main").text.split())

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))

    def wait_for(self, condition, seconds=30):
        return WebDriverWait(self.driver, seconds).until(condition)

    def field(self, name):
        return self.driver.find_element(By.NAME, name)

    def type_into(self, name, value):
        element = self.field(name)
        element.clear()
        element.send_keys(value)

    def set_date(self, name, value):
        # A date input's typing order follows the browser's locale; its value is always YYYY-MM-DD.
        self.driver.execute_script("arguments[0].value = arguments[1]", self.field(name), value)

    def submit(self, form_selector="main form button[type=submit]"):
        self.driver.find_element(By.CSS_SELECTOR, form_selector).click()

    def expect(self, condition, message):
        if not condition:
            raise AssertionError(message)

    def expect_in_page(self, *words):
        text = self.text()
        for word in words:
            self.expect(word in text, "expected %r on %s" % (word, self.driver.current_url))

    def sign_in(self, name):
        self.driver.delete_all_cookies()
        self.open("/sign-in")
        self.type_into("name", name)
        self.type_into("password", self.server.passwords[name])
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, "header .who strong")))
        self.expect(self.driver.find_element(By.CSS_SELECTOR, "header .who strong").text == name, "signed in as " + name)

    def fits_phone_width(self):
        return self.driver.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")

    def run(self, name, journey):
        started = time.time()
        try:
            journey()
            self.passed.append(name)
            print("PASS %s (%.1f s)" % (name, time.time() - started), flush=True)
        except Exception:
            self.failed.append(name)
            print("FAIL %s" % name, flush=True)
            traceback.print_exc()
            try:
                self.shot("failed-" + name)
            except Exception:
                pass

    # journeys

    def sign_in_and_menu(self):
        self.open("/sign-in")
        self.shot("sign-in")
        self.type_into("name", "demo-learner")
        self.type_into("password", "not the password")
        self.submit()
        self.expect_in_page("The name or the password is wrong.")
        self.sign_in("demo-learner")
        menu = [link.text for link in self.driver.find_elements(By.CSS_SELECTOR, "header nav a")]
        self.expect("Plan my route" in menu and "Batch check" not in menu, "the learner's menu: %r" % menu)
        self.shot("home-learner")
        # The session cookie is HTTP-only: no script on the page can read it.
        cookies = self.driver.execute_script("return document.cookie")
        self.expect("stackplan_session" not in cookies, "the session cookie is readable by scripts")

    def catalogue(self):
        self.open("/catalogue")
        self.type_into("q", "antimicrobial")
        Select(self.field("language")).select_by_value("en")
        self.type_into("priceMax", "500")
        self.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        self.wait_for(conditions.presence_of_element_located((By.ID, "results-title")))
        self.expect_in_page("Antimicrobial Stewardship (curricular unit)")
        self.expect("Antimicrobial Stewardship in Practice" not in self.text(), "the 700 EUR course passes a 500 EUR limit")
        self.shot("catalogue-search")
        self.driver.find_element(By.CSS_SELECTOR, "main a[href='/catalogue/credentials/ucp-ams']").click()
        self.expect_in_page("Offerings", "Stacks into", "Pós-Graduação (Certificado) em Prevenção e Controlo de Infeção")
        self.shot("credential")
        self.driver.find_element(By.CSS_SELECTOR, "main a[href='/catalogue/qualifications/ucp-pgcert-ipc']").click()
        self.expect_in_page("Requirements", "requires.allOf[2]")
        details = self.driver.find_elements(By.CSS_SELECTOR, "ul.tree details")
        self.expect(len(details) >= 2, "the requirement tree has branches")
        branch = details[-1]
        branch.find_element(By.TAG_NAME, "summary").click()
        self.expect(branch.get_attribute("open") is None, "a branch closes when its summary is clicked")
        branch.find_element(By.TAG_NAME, "summary").click()
        graph = self.driver.find_element(By.CSS_SELECTOR, "figure.graph img")
        self.wait_for(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", graph))
        self.shot("qualification")

    def learner(self):
        self.sign_in("demo-learner")
        self.open("/learner/profile")
        self.type_into("name", "Sofia, hospital nurse (Lisbon)")
        self.type_into("held.0.credential", "ucp-ipc-fund")
        self.set_date("held.0.earned", "2024-02-15")
        self.type_into("held.1.credential", "ucp-ipc-surv")
        self.set_date("held.1.earned", "2024-07-10")
        self.type_into("budget", "-5")
        self.type_into("maxHours", "900")
        self.type_into("hoursPerWeek", "22")
        self.type_into("start", "2027-01-04")
        self.type_into("today", "2026-11-23")
        self.type_into("languages", "pt, en")
        self.driver.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]").click()
        # The problem is shown beside its field, and the summary links to it.
        budget = self.field("budget")
        self.expect(budget.get_attribute("aria-invalid") == "true", "the budget is marked invalid")
        self.expect("must" in self.driver.find_element(By.ID, "error-budget").text, "the budget's problem is beside it")
        self.shot("profile-error")
        self.type_into("budget", "6000")
        self.driver.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]").click()
        self.expect_in_page("Profile saved.")
        self.type_into("held.2.credential", "ucp-ams")
        self.set_date("held.2.earned", "2025-01-20")
        self.type_into("held.3.credential", "ucp-ams-proj")
        self.set_date("held.3.earned", "2025-06-30")
        self.driver.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]").click()
        self.expect_in_page("Profile saved.")
        self.expect(self.field("held.3.credential").get_attribute("value") == "ucp-ams-proj", "four held credentials kept")
        self.shot("profile")

        self.open("/plan")
        target = Select(self.field("target"))
        options = [option.get_attribute("value") for option in target.options if option.get_attribute("value")]
        self.expect(options[0] == "ucp-pgcert-ipc", "the nearest qualification comes first: %r" % options[:3])
        target.select_by_value("ucp-pgdip-ipc")
        self.driver.find_element(By.CSS_SELECTOR, "input[name=objective][value='cost,workload']").click()
        self.driver.find_element(By.CSS_SELECTOR, "#plan-form button[type=submit]").click()
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect_in_page("Credentials to take", "ucp-ipc-outbreak", "2400 EUR", "Requirements, and what meets each")
        self.expect(self.driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.bar"), "the timeline is drawn")
        self.shot("plan-result")
        self.driver.set_window_size(375, 900)
        self.expect(self.fits_phone_width(), "the plan fits a phone's width")
        self.shot("plan-result-phone")
        self.driver.set_window_size(1280, 1000)
        self.type_into("planName", "Diploma route")
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/plan/save'] button").click()
        self.expect_in_page("Diploma route", "draft")
        self.shot("saved-plan")

        # No plan toward the master's: the shortfall, and a relaxation that re-plans.
        self.open("/plan?target=ucp-msc-ipc&objective=cost,workload")
        self.expect_in_page("No plan exists", "What would make it reachable")
        self.shot("plan-no-plan")
        self.driver.find_element(By.CSS_SELECTOR, ".relaxations button").click()
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect("No plan exists" not in self.text(), "the relaxation gives a plan")
        self.expect(self.field("maxHours").get_attribute("value") == "1510", "the relaxed limit is in the form")
        self.shot("plan-relaxed")
        # Re-plan on input: changing the objective re-plans without pressing the button.
        self.driver.find_element(By.CSS_SELECTOR, "input[name=objective][value='duration,cost']").click()
        self.wait_for(lambda driver: "duration" in driver.find_element(By.ID, "plan-answer").text, seconds=180)
        self.type_into("planName", "Master's route")
        self.driver.find_element(By.CSS_SELECTOR, "form[action='/plan/save'] button").click()
        self.expect_in_page("Master's route")

    def advisor(self):
        self.sign_in("demo-advisor")
        self.open("/advisor")
        self.expect_in_page("demo-learner", "Diploma route", "Master's route")
        self.shot("advisor")
        boxes = self.driver.find_elements(By.CSS_SELECTOR, "input[name=plan]")
        for box in boxes[:2]:
            box.click()
        self.driver.find_element(By.CSS_SELECTOR, "section.learner form button[type=submit]").click()
        self.expect_in_page("Plans side by side", "Diploma de Pós-Graduação", "Mestrado em Prevenção e Controlo de Infeção")
        self.shot("compare")
        self.open("/plan?learner=demo-learner&target=ucp-pgdip-ipc&objective=cost,workload")
        self.expect_in_page("Route to Diploma de Pós-Graduação")
        self.driver.find_element(By.LINK_TEXT, "Cost against finishing date").click()
        points = self.driver.find_elements(By.CSS_SELECTOR, "svg.frontier a")
        self.expect(len(points) >= 2, "the frontier has points")
        self.expect(len(self.driver.find_elements(By.CSS_SELECTOR, "#frontier-table tbody tr")) == len(points), "a row per point")
        self.shot("frontier")
        points[0].click()
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect(self.field("deadline").get_attribute("value") != "", "the point's plan opens with its finishing date")
        self.driver.find_element(By.LINK_TEXT, "Alternative routes").click()
        self.expect_in_page("Alternative routes to ucp-pgdip-ipc")
        self.shot("alternatives")
        self.driver.back()
        self.driver.find_element(By.LINK_TEXT, "What if…").click()
        self.type_into("without", "ucp-leadership")
        self.type_into("deadline", "")
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.expect_in_page("ucp-patient-safety")
        self.shot("whatif")
        self.open("/saved-plans")
        self.driver.find_element(By.LINK_TEXT, "Diploma route").click()
        Select(self.field("status")).select_by_value("agreed")
        self.driver.find_element(By.CSS_SELECTOR, ".plan-tools form button").click()
        self.expect_in_page("agreed", "Version 2")
        self.driver.find_element(By.LINK_TEXT, "Print view").click()
        self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "header.site nav a") or
                    not self.driver.find_element(By.CSS_SELECTOR, "header.site").is_displayed(), "the print view hides the menu")
        self.shot("print-view")

    def regulator(self):
        self.sign_in("demo-regulator")
        self.open("/regulator")
        self.expect_in_page("Nursing and Midwifery Council")
        self.shot("schemes")
        self.driver.find_element(By.CSS_SELECTOR, "a[href='/regulator/schemes/NMC']").click()
        self.expect_in_page("Rules")
        self.shot("scheme")
        self.open("/regulator/check")
        with open(os.path.join(REPOSITORY, "data/cpd-records/nmc-nurse.json")) as record:
            text = record.read()
        area = self.field("record")
        self.driver.execute_script("arguments[0].value = arguments[1]", area, text)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.expect_in_page("not compliant with NMC", "Activities")
        self.shot("check")
        # A batch big enough to show its progress: the bundled records, repeated with new ids.
        batch = os.path.join(self.server.folder, "batch.csv")
        with open(os.path.join(REPOSITORY, "data/cpd-records/nmc-batch.csv")) as source:
            lines = source.read().splitlines()
        with open(batch, "w") as out:
            out.write(lines[0] + "\n")
            for copy in range(3000):
                for line in lines[1:]:
                    out.write(re.sub(r"^NMC-(\d+)", lambda m: "NMC-%d-%s" % (copy, m.group(1)), line) + "\n")
        self.open("/regulator/batch")
        Select(self.field("scheme")).select_by_value("NMC")
        self.type_into("asOf", "2026-11-23")
        self.field("records").send_keys(batch)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.wait_for(conditions.presence_of_element_located((By.ID, "job")))
        self.shot("batch-progress")
        self.wait_for(lambda driver: driver.find_elements(By.ID, "results-table"), seconds=120)
        self.expect_in_page("12000 records", "Shortfalls by category")
        self.shot("batch-results")
        Select(self.field("verdict")).select_by_value("invalid")
        self.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
        self.wait_for(lambda driver: "verdict=invalid" in driver.current_url)
        statuses = {cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, "#results-table tbody .status")}
        self.expect(statuses == {"invalid"}, "filtered by verdict: %r" % statuses)
        self.expect(self.driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href").endswith("/results.csv"), "a CSV download")
        self.open("/regulator/coverage")
        self.expect_in_page("Coverage of each scheme's categories")
        self.shot("coverage")
        self.field("accreditedOnly").click()
        self.wait_for(lambda driver: "accreditedOnly=on" in driver.current_url)
        self.expect_in_page("accredited providers only")
        self.open("/regulator/lint")
        self.expect_in_page("Credentials missing each element, by provider")
        self.shot("lint")

    def editor(self):
        self.sign_in("demo-editor")
        self.open("/editor")
        self.shot("editor")
        self.driver.find_element(By.LINK_TEXT, "New credential").click()
        self.type_into("id", "demo-new-course")
        self.type_into("title", "Hand hygiene refresher")
        Select(self.field("provider")).select_by_value("ucp")
        Select(self.field("kind")).select_by_value("module")
        self.type_into("eqf", "11")
        self.type_into("ects", "2")
        self.type_into("cost", "40")
        Select(self.field("mode")).select_by_value("online")
        self.type_into("languages", "en")
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.expect(self.field("eqf").get_attribute("aria-invalid") == "true", "the EQF level is marked invalid")
        self.expect("EQF" in self.driver.find_element(By.ID, "error-eqf").text, "the EQF problem is beside its field")
        self.shot("editor-error")
        self.type_into("eqf", "5")
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        self.expect_in_page("Saved")
        self.open("/catalogue/credentials/demo-new-course")
        self.expect_in_page("Hand hygiene refresher")

    def csrf_refused(self):
        # A form whose token does not match the cookie is refused, as another site's would be.
        self.sign_in("demo-learner")
        self.open("/learner/profile")
        self.driver.execute_script("document.querySelector('#profile-form input[name=csrf]').value = 'forged'")
        self.driver.find_element(By.CSS_SELECTOR, "#profile-form button[type=submit]").click()
        self.expect_in_page("security token")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default=os.path.join(REPOSITORY, ".build/debug/stackplan"))
    parser.add_argument("--screenshots", default=os.path.join(REPOSITORY, ".build/browser-screenshots"))
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    arguments = parser.parse_args()
    os.makedirs(arguments.screenshots, exist_ok=True)
    server = Server(arguments.binary)
    driver = None
    try:
        options = Options()
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu"]:
            options.add_argument(flag)
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]:
            if os.path.exists(candidate):
                options.binary_location = candidate
        driver = webdriver.Chrome(service=Service(arguments.chromedriver), options=options)
        driver.implicitly_wait(5)
        journeys = Journeys(driver, server, arguments.screenshots)
        for name in ["sign_in_and_menu", "catalogue", "learner", "advisor", "regulator", "editor", "csrf_refused"]:
            journeys.run(name, getattr(journeys, name))
        print("%d passed, %d failed" % (len(journeys.passed), len(journeys.failed)))
        print("screenshots in " + arguments.screenshots)
        return 1 if journeys.failed else 0
    finally:
        if driver is not None:
            driver.quit()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
