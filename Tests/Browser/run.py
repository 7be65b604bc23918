#!/usr/bin/env python3
"""Browser tests of StackPlan's web pages (issue 14), run by `make test-browser`.

Starts `stackplan serve` on a free loopback port with a new database holding the bundled catalogue,
drives headless Chromium through every journey as a person would (sign in, build a profile, plan,
follow a relaxation, compare, run a batch to completion with progress, make an edit with a
validation error), asserts on each page's content, saves a screenshot of every page, and stops the
server whatever happens.

Every step waits for an explicit condition, never for a fixed time: after a click or a submit that
loads a page, for the old page to go stale and the new one to finish loading (and, where it says
so, for its heading or address); for text, until it is on the page. No implicit wait is set, so a
check that something is absent answers at once.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# How long a page may take: a plan, a frontier or a nearest-first ranking runs GLPK solves, on a
# debug build, on a machine that may be busy with other builds.
PAGE_SECONDS = 180
# While a page is replaced, an element found a moment ago may go stale or not be there yet.
TRANSIENT = (NoSuchElementException, StaleElementReferenceException)


class Server:
    """`stackplan serve` on a new database, on a port the system picks."""

    def __init__(self, binary):
        self.folder = tempfile.mkdtemp(prefix="stackplan-browser-")
        self.database = os.path.join(self.folder, "web.sqlite")
        self.log_path = os.path.join(self.folder, "server.log")
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
                # The server's log is read to the end, into a file: a pipe nobody reads fills up
                # and stops the server at its next log line.
                self.drain = threading.Thread(target=self._keep_log, daemon=True)
                self.drain.start()
                return
        raise RuntimeError("the server did not say where it listens within 60 seconds")

    def _keep_log(self):
        with open(self.log_path, "a") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()

    def log_tail(self, lines=20):
        try:
            with open(self.log_path) as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""

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
        self.followed = 0

    # waiting

    def wait_for(self, condition, seconds=30, message=""):
        return WebDriverWait(self.driver, seconds, poll_frequency=0.1, ignored_exceptions=TRANSIENT).until(condition, message)

    def loaded(self):
        try:
            return self.driver.execute_script("return document.readyState") == "complete"
        except WebDriverException:
            return False

    def heading(self):
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def wait_for_page(self, heading=None, address=None, seconds=PAGE_SECONDS):
        """Waits until the page has loaded and, when given, shows `heading` in its h1 and has `address` in its URL."""
        self.wait_for(lambda driver: self.loaded(), seconds, "the page did not finish loading")
        if heading is not None:
            self.wait_for(lambda driver: heading in self.heading(), 10,
                          "expected the heading %r on %s" % (heading, self.driver.current_url))
        if address is not None:
            self.wait_for(lambda driver: address in driver.current_url, 10,
                          "expected %r in the address, found %s" % (address, self.driver.current_url))

    def follow(self, action, heading=None, address=None, seconds=PAGE_SECONDS):
        """Runs `action`, a click or a submit that loads another page, and waits for that page:
        the old document goes away, then the new one loads (with `heading` and `address` when given).

        The old document is marked with a script variable rather than watched through an element
        handle: while a page is being replaced, Chromium may answer a question about an old node
        with an "unknown error" instead of "stale element", which is not a failure of the page."""
        # A fresh mark each time: going back restores an earlier document, marked by an earlier step.
        self.followed += 1
        mark = self.followed
        self.driver.execute_script("window.stackplanDocumentMark = arguments[0]", mark)
        action()

        def replaced(driver):
            try:
                return driver.execute_script("return window.stackplanDocumentMark !== arguments[0]", mark)
            except WebDriverException:
                return False  # between documents: ask again

        self.wait_for(replaced, seconds, "no new page came after the click on %s" % self.driver.current_url)
        self.wait_for_page(heading, address, seconds)

    def click_to_page(self, selector, by=By.CSS_SELECTOR, heading=None, address=None):
        self.follow(lambda: self.driver.find_element(by, selector).click(), heading, address)

    def open(self, path, heading=None):
        self.driver.get(self.server.url + path)
        self.wait_for_page(heading)

    # reading and typing

    def text(self):
        # Whitespace normalised: a wrapped line is one line to a reader.
        return " ".join(self.driver.find_element(By.TAG_NAME, "main").text.split())

    def expect_in_page(self, *words, seconds=10):
        """Waits until every one of `words` is in the page's main content."""
        def present(driver):
            text = self.text()
            return all(word in text for word in words)
        try:
            self.wait_for(present, seconds)
        except Exception:
            text = self.text()
            missing = [word for word in words if word not in text]
            raise AssertionError("expected %r on %s" % (missing, self.driver.current_url))

    def expect(self, condition, message):
        if not condition:
            raise AssertionError(message)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.screenshots, name + ".png"))

    def field(self, name):
        return self.wait_for(conditions.presence_of_element_located((By.NAME, name)), 10, "no field %r on %s" % (name, self.driver.current_url))

    def type_into(self, name, value):
        element = self.field(name)
        element.clear()
        element.send_keys(value)

    def set_value(self, name, value):
        # A date input's typing order follows the browser's locale, and a long text is faster set
        # than typed; the value is what a person would have entered.
        self.driver.execute_script("arguments[0].value = arguments[1]", self.field(name), value)

    def submit(self, selector="main form button[type=submit]", heading=None, address=None):
        self.click_to_page(selector, heading=heading, address=address)

    def sign_in(self, name):
        self.open("/sign-in", heading="Sign in")
        self.driver.delete_all_cookies()
        self.open("/sign-in", heading="Sign in")
        self.type_into("name", name)
        self.type_into("password", self.server.passwords[name])
        self.submit(heading="Welcome")
        who = self.driver.find_element(By.CSS_SELECTOR, "header .who strong").text
        self.expect(who == name, "signed in as %r, not %r" % (who, name))

    def fits_phone_width(self):
        return self.driver.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")

    def run(self, name, journey):
        started = time.time()
        self.driver.set_window_size(1280, 1000)
        try:
            journey()
            self.passed.append(name)
            print("PASS %s (%.1f s)" % (name, time.time() - started), flush=True)
        except Exception:
            self.failed.append(name)
            print("FAIL %s on %s" % (name, self.driver.current_url), flush=True)
            traceback.print_exc()
            try:
                self.shot("failed-" + name)
            except Exception:
                pass

    # journeys

    def sign_in_and_menu(self):
        self.open("/sign-in", heading="Sign in")
        self.shot("sign-in")
        self.type_into("name", "demo-learner")
        self.type_into("password", "not the password")
        self.submit(heading="Sign in")
        self.expect_in_page("The name or the password is wrong.")
        self.sign_in("demo-learner")
        menu = [link.text for link in self.driver.find_elements(By.CSS_SELECTOR, "header nav a")]
        self.expect("Plan my route" in menu and "Batch check" not in menu, "the learner's menu: %r" % menu)
        self.shot("home-learner")
        # The session cookie is HTTP-only: no script on the page can read it.
        cookies = self.driver.execute_script("return document.cookie")
        self.expect("stackplan_session" not in cookies, "the session cookie is readable by scripts")

    def catalogue(self):
        self.open("/catalogue", heading="Catalogue")
        self.type_into("q", "antimicrobial")
        Select(self.field("language")).select_by_value("en")
        self.type_into("priceMax", "500")
        self.submit("form.filters button[type=submit]", address="priceMax=500")
        self.wait_for(conditions.presence_of_element_located((By.ID, "results-title")))
        self.expect_in_page("Antimicrobial Stewardship (curricular unit)")
        self.expect("Antimicrobial Stewardship in Practice" not in self.text(), "the 700 EUR course passes a 500 EUR limit")
        self.shot("catalogue-search")
        self.click_to_page("main a[href='/catalogue/credentials/ucp-ams']", address="/catalogue/credentials/ucp-ams")
        self.expect_in_page("Offerings", "Stacks into", "Pós-Graduação (Certificado) em Prevenção e Controlo de Infeção")
        self.shot("credential")
        self.click_to_page("main a[href='/catalogue/qualifications/ucp-pgcert-ipc']", address="/catalogue/qualifications/ucp-pgcert-ipc")
        self.expect_in_page("Requirements", "requires.allOf[2]")
        details = self.driver.find_elements(By.CSS_SELECTOR, "ul.tree details")
        self.expect(len(details) >= 2, "the requirement tree has branches")
        branch = details[-1]
        branch.find_element(By.TAG_NAME, "summary").click()
        self.wait_for(lambda driver: branch.get_attribute("open") is None, 5, "a branch closes when its summary is clicked")
        branch.find_element(By.TAG_NAME, "summary").click()
        self.wait_for(lambda driver: branch.get_attribute("open") is not None, 5, "a branch opens again when its summary is clicked")
        graph = self.driver.find_element(By.CSS_SELECTOR, "figure.graph img")
        self.wait_for(lambda driver: driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", graph),
                      60, "the stack graph is drawn")
        self.shot("qualification")

    def learner(self):
        self.sign_in("demo-learner")
        self.open("/learner/profile", heading="Learner profile")
        self.type_into("name", "Sofia, hospital nurse (Lisbon)")
        self.type_into("held.0.credential", "ucp-ipc-fund")
        self.set_value("held.0.earned", "2024-02-15")
        self.type_into("held.1.credential", "ucp-ipc-surv")
        self.set_value("held.1.earned", "2024-07-10")
        self.type_into("budget", "-5")
        self.type_into("maxHours", "900")
        self.type_into("hoursPerWeek", "22")
        self.type_into("start", "2027-01-04")
        self.type_into("today", "2026-11-23")
        self.type_into("languages", "pt, en")
        self.submit("#profile-form button[type=submit]", heading="Learner profile")
        # The problem is shown beside its field, and the summary links to it.
        budget = self.field("budget")
        self.expect(budget.get_attribute("aria-invalid") == "true", "the budget is marked invalid")
        self.expect("must" in self.driver.find_element(By.ID, "error-budget").text, "the budget's problem is beside it")
        self.expect(budget.get_attribute("aria-describedby") == "error-budget", "the budget's problem describes it")
        self.shot("profile-error")
        self.type_into("budget", "6000")
        self.submit("#profile-form button[type=submit]", address="saved=1")
        self.expect_in_page("Profile saved.")
        self.type_into("held.2.credential", "ucp-ams")
        self.set_value("held.2.earned", "2025-01-20")
        self.type_into("held.3.credential", "ucp-ams-proj")
        self.set_value("held.3.earned", "2025-06-30")
        self.submit("#profile-form button[type=submit]", address="saved=1")
        self.expect_in_page("Profile saved.")
        self.expect(self.field("held.3.credential").get_attribute("value") == "ucp-ams-proj", "four held credentials kept")
        self.shot("profile")

        self.open("/plan", heading="Plan my route")
        target = Select(self.field("target"))
        options = [option.get_attribute("value") for option in target.options if option.get_attribute("value")]
        self.expect(options[0] == "ucp-pgcert-ipc", "the nearest qualification comes first: %r" % options[:3])
        target.select_by_value("ucp-pgdip-ipc")
        self.driver.find_element(By.CSS_SELECTOR, "input[name=objective][value='cost,workload']").click()
        self.submit("#plan-form button[type=submit]", heading="Route plan", address="target=ucp-pgdip-ipc")
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect_in_page("Credentials to take", "ucp-ipc-outbreak", "2400 EUR", "Requirements, and what meets each")
        self.expect(self.driver.find_elements(By.CSS_SELECTOR, "svg.timeline rect.bar"), "the timeline is drawn")
        self.shot("plan-result")
        self.driver.set_window_size(375, 900)
        self.wait_for(lambda driver: self.fits_phone_width(), 10, "the plan fits a phone's width")
        self.shot("plan-result-phone")
        self.driver.set_window_size(1280, 1000)
        self.type_into("planName", "Diploma route")
        self.submit("form[action='/plan/save'] button", heading="Diploma route")
        self.expect_in_page("Diploma route", "draft")
        self.shot("saved-plan")

        # No plan toward the master's: the shortfall, and a relaxation that re-plans.
        self.open("/plan?target=ucp-msc-ipc&objective=cost,workload", heading="Route plan")
        self.expect_in_page("No plan exists", "What would make it reachable")
        self.shot("plan-no-plan")
        self.submit(".relaxations button", heading="Route plan", address="maxHours=1510")
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect("No plan exists" not in self.text(), "the relaxation gives a plan")
        self.expect(self.field("maxHours").get_attribute("value") == "1510", "the relaxed limit is in the form")
        self.shot("plan-relaxed")
        # Re-plan on input: changing the objective re-plans without pressing the button; the
        # script puts the new answer in place and the form's address in the location bar.
        self.driver.find_element(By.CSS_SELECTOR, "input[name=objective][value='duration,cost']").click()
        self.wait_for(lambda driver: "objective=duration" in driver.current_url
                      and driver.find_element(By.CSS_SELECTOR, "#plan-form .replan-status").text == "Plan updated.",
                      PAGE_SECONDS, "the plan was not updated after the objective changed")
        self.expect("duration" in self.driver.find_element(By.ID, "plan-answer").text, "the new answer minimises duration")
        self.type_into("planName", "Master's route")
        self.submit("form[action='/plan/save'] button", heading="Master's route")

    def advisor(self):
        self.sign_in("demo-advisor")
        self.open("/advisor", heading="My learners")
        self.expect_in_page("demo-learner", "Diploma route", "Master's route")
        self.shot("advisor")
        boxes = self.driver.find_elements(By.CSS_SELECTOR, "input[name=plan]")
        self.expect(len(boxes) >= 2, "two saved plans to choose")
        for box in boxes[:2]:
            box.click()
        self.submit("section.learner form button[type=submit]", heading="Plans side by side")
        self.expect_in_page("Diploma de Pós-Graduação", "Mestrado em Prevenção e Controlo de Infeção")
        self.shot("compare")
        self.open("/plan?learner=demo-learner&target=ucp-pgdip-ipc&objective=cost,workload", heading="Route plan")
        self.expect_in_page("Route to Diploma de Pós-Graduação")
        self.click_to_page("Cost against finishing date", by=By.LINK_TEXT, heading="Cost against finishing date")
        points = self.driver.find_elements(By.CSS_SELECTOR, "svg.frontier a")
        self.expect(len(points) >= 2, "the frontier has points")
        self.expect(len(self.driver.find_elements(By.CSS_SELECTOR, "#frontier-table tbody tr")) == len(points), "a row per point")
        self.shot("frontier")
        self.follow(lambda: points[0].click(), heading="Route plan", address="deadline=")
        self.wait_for(conditions.presence_of_element_located((By.CSS_SELECTOR, ".plan-result")))
        self.expect(self.field("deadline").get_attribute("value") != "", "the point's plan opens with its finishing date")
        self.click_to_page("Alternative routes", by=By.LINK_TEXT, heading="Alternative routes")
        self.expect_in_page("Alternative routes to ucp-pgdip-ipc")
        self.shot("alternatives")
        self.follow(self.driver.back, heading="Route plan")
        self.click_to_page("What if…", by=By.LINK_TEXT, heading="What if")
        self.type_into("without", "ucp-leadership")
        self.type_into("deadline", "")
        self.submit(heading="What if", address="without=ucp-leadership")
        self.expect_in_page("ucp-patient-safety")
        self.shot("whatif")
        self.open("/saved-plans", heading="Saved plans")
        self.click_to_page("Diploma route", by=By.LINK_TEXT, heading="Diploma route")
        Select(self.field("status")).select_by_value("agreed")
        self.submit(".plan-tools form button", heading="Diploma route")
        self.expect_in_page("agreed", "Version 2")
        self.click_to_page("Print view", by=By.LINK_TEXT, address="print=1")
        self.expect(not self.driver.find_elements(By.CSS_SELECTOR, "header.site nav a") or
                    not self.driver.find_element(By.CSS_SELECTOR, "header.site").is_displayed(), "the print view hides the menu")
        self.shot("print-view")

    def regulator(self):
        self.sign_in("demo-regulator")
        self.open("/regulator", heading="CPD schemes")
        self.expect_in_page("Nursing and Midwifery Council")
        self.shot("schemes")
        self.click_to_page("a[href='/regulator/schemes/NMC']", address="/regulator/schemes/NMC")
        self.expect_in_page("Rules")
        self.shot("scheme")
        self.open("/regulator/check", heading="Check a CPD record")
        with open(os.path.join(REPOSITORY, "data/cpd-records/nmc-nurse.json")) as record:
            self.set_value("record", record.read())
        self.submit(heading="Check a CPD record")
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
        self.open("/regulator/batch", heading="Batch check")
        Select(self.field("scheme")).select_by_value("NMC")
        self.type_into("asOf", "2026-11-23")
        self.field("records").send_keys(batch)
        self.submit(heading="Batch check", address="/regulator/jobs/")
        self.wait_for(conditions.presence_of_element_located((By.ID, "job")))
        self.shot("batch-progress")
        # The page follows the job and reloads itself when it is done.
        self.wait_for(lambda driver: driver.find_elements(By.ID, "results-table") and self.loaded(), PAGE_SECONDS,
                      "the batch's results did not come")
        self.expect_in_page("12000 records", "Shortfalls by category")
        self.shot("batch-results")
        Select(self.field("verdict")).select_by_value("invalid")
        self.submit("form.filters button[type=submit]", heading="Batch check", address="verdict=invalid")
        statuses = {cell.text for cell in self.driver.find_elements(By.CSS_SELECTOR, "#results-table tbody .status")}
        self.expect(statuses == {"invalid"}, "filtered by verdict: %r" % statuses)
        self.expect(self.driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href").endswith("/results.csv"), "a CSV download")
        self.open("/regulator/coverage", heading="Coverage")
        self.expect_in_page("Coverage of each scheme's categories")
        self.shot("coverage")
        # The switch applies at once: the page reloads with it.
        self.follow(lambda: self.field("accreditedOnly").click(), heading="Coverage", address="accreditedOnly=on")
        self.expect_in_page("accredited providers only")
        self.open("/regulator/lint", heading="Micro-credential lint")
        self.expect_in_page("Credentials missing each element, by provider")
        self.shot("lint")

    def editor(self):
        self.sign_in("demo-editor")
        self.open("/editor", heading="Edit the catalogue")
        self.shot("editor")
        self.click_to_page("New credential", by=By.LINK_TEXT, heading="New credential")
        self.type_into("id", "demo-new-course")
        self.type_into("title", "Hand hygiene refresher")
        Select(self.field("provider")).select_by_value("ucp")
        Select(self.field("kind")).select_by_value("module")
        self.type_into("eqf", "11")
        self.type_into("ects", "2")
        self.type_into("cost", "40")
        Select(self.field("mode")).select_by_value("online")
        self.type_into("languages", "en")
        self.submit(heading="New credential")
        self.expect(self.field("eqf").get_attribute("aria-invalid") == "true", "the EQF level is marked invalid")
        self.expect("EQF" in self.driver.find_element(By.ID, "error-eqf").text, "the EQF problem is beside its field")
        self.shot("editor-error")
        self.type_into("eqf", "5")
        self.submit(address="/editor/credentials/demo-new-course")
        self.expect_in_page("Saved")
        self.open("/catalogue/credentials/demo-new-course", heading="Hand hygiene refresher")

    def editor_qualification(self):
        # A qualification whose requirement tree (JSON) names a credential the catalogue lacks:
        # the problem is shown beside the tree with its path; fixed, it is saved, then retired.
        self.sign_in("demo-editor")
        self.open("/editor", heading="Edit the catalogue")
        self.click_to_page("New qualification", by=By.LINK_TEXT, heading="New qualification")
        self.type_into("id", "demo-ipc-award")
        self.type_into("title", "Award in Infection Prevention")
        Select(self.field("provider")).select_by_value("ucp")
        self.type_into("eqf", "7")
        self.type_into("ects", "20")
        self.set_value("requires", '{"allOf": [{"credential": "ucp-ipc-fund"}, {"credential": "ucp-no-such-module"}]}')
        self.submit(heading="New qualification")
        tree = self.field("requires")
        self.expect(tree.get_attribute("aria-invalid") == "true", "the requirement tree is marked invalid")
        problem = self.driver.find_element(By.ID, "error-requires").text
        self.expect("$.allOf[1].credential" in problem and "ucp-no-such-module" in problem,
                    "the tree's problem, with its path, is beside it: %r" % problem)
        self.shot("editor-qualification-error")
        self.set_value("requires", '{"allOf": [{"credential": "ucp-ipc-fund"}, {"credential": "ucp-ipc-surv"}]}')
        self.submit(address="/editor/qualifications/demo-ipc-award")
        self.expect_in_page("Saved")
        self.open("/catalogue/qualifications/demo-ipc-award", heading="Award in Infection Prevention")
        self.open("/editor/qualifications/demo-ipc-award", heading="Edit demo-ipc-award")
        self.submit("form.retire button[type=submit]", heading="Edit demo-ipc-award", address="retired=1")
        self.expect_in_page("retired")
        self.shot("editor-retired")

    def csrf_refused(self):
        # A form whose token does not match the cookie is refused, as another site's would be.
        self.sign_in("demo-learner")
        self.open("/learner/profile", heading="Learner profile")
        self.driver.execute_script("document.querySelector('#profile-form input[name=csrf]').value = 'forged'")
        self.submit("#profile-form button[type=submit]", heading="Not allowed")
        self.expect_in_page("security token")

    def not_found(self):
        # An address that is no page answers a page in the site's layout; the API's answer problem JSON.
        self.sign_in("demo-learner")
        self.open("/no/such/page", heading="Not found")
        self.expect(self.driver.find_elements(By.CSS_SELECTOR, "header.site nav a"), "the 404 page has the menu")
        self.expect_in_page("/no/such/page")
        self.shot("not-found")

    def rate_limited(self):
        # Pages that do work count against the account's rate, as the API's requests do. An export
        # without a target is refused at once (no solve), so a person clicking fast runs out.
        self.sign_in("demo-learner")
        for _ in range(400):
            self.open("/plan/export?format=csv")
            if "Too many requests" in self.heading():
                break
        self.expect("Too many requests" in self.heading(), "the account's rate was never reached")
        self.expect_in_page("Try again")
        self.shot("rate-limited")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", default=os.path.join(REPOSITORY, ".build/debug/stackplan"))
    parser.add_argument("--screenshots", default=os.path.join(REPOSITORY, ".build/browser-screenshots"))
    parser.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    parser.add_argument("--only", nargs="*", help="run only these journeys (the learner's come before the advisor's)")
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
        # Explicit waits only (Selenium warns against mixing them with an implicit one).
        driver.implicitly_wait(0)
        driver.set_page_load_timeout(PAGE_SECONDS)
        journeys = Journeys(driver, server, arguments.screenshots)
        names = ["sign_in_and_menu", "catalogue", "learner", "advisor", "regulator", "editor", "editor_qualification",
                 "csrf_refused", "not_found", "rate_limited"]
        for name in names:
            if arguments.only and name not in arguments.only:
                continue
            journeys.run(name, getattr(journeys, name))
        print("%d passed, %d failed" % (len(journeys.passed), len(journeys.failed)))
        print("screenshots in " + arguments.screenshots)
        if journeys.failed:
            print("the server's last lines:\n" + server.log_tail())
        return 1 if journeys.failed else 0
    finally:
        if driver is not None:
            driver.quit()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
