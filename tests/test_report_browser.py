"""The review page in a real browser: headless Chromium driven by selenium, from file://.

Clicking a fact must light up exactly its words in the text and bring them into view;
the table filters must hide a table's rows. A screenshot of the document page is left
in tests/artifacts/ to look at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.report import write_report
from pipeline.report.names import issue_href
from tests.conftest import gold_of, raw

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"
WINDOW = (1280, 900)
WAIT_S = 10  # a page from disk loads in well under a second; this only bounds a hang

ISSUE = "jiaxing-2024-11.pdf"
DOC_NUMBER = "嘉政办发〔2024〕25号"
# A subsidy near the end of its document's text, so it starts out of view:
# 三/(六) 支持算力应用, 50% of the amount used, at most 500万元 for a newly registered model.
SUBSIDY = {"kind": "补贴", "cap_yuan": 5_000_000, "rate": 0.5}

# The fact's pieces, their text, and whether each lies inside the window and the text pane.
PIECES_IN_VIEW = """
const pane = document.getElementById('text').getBoundingClientRect();
return Array.from(document.querySelectorAll(arguments[0])).map(function (el) {
  const r = el.getBoundingClientRect();
  return {text: el.textContent, lit: el.classList.contains('lit'),
          inView: r.top >= 0 && r.bottom <= window.innerHeight && r.top >= pane.top && r.bottom <= pane.bottom};
});
"""


def _require_browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the selenium package")
    if missing:
        message = f"the review page browser test needs {', '.join(missing)}; `make test` installs them"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", f"--window-size={WINDOW[0]},{WINDOW[1]}",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT_S)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(corpus_out, tmp_path_factory) -> Path:
    html_dir = tmp_path_factory.mktemp("site")
    write_report(corpus_out, html_dir)
    return html_dir


def the_gold_subsidy() -> dict:
    """The hand-checked row of SUBSIDY, to identify it by its values rather than its place."""
    rows = [row for row in gold_of(raw(ISSUE))["subsidies"]
            if row["doc"] == DOC_NUMBER and all(row.get(key) == value for key, value in SUBSIDY.items())]
    assert len(rows) == 1, rows
    return rows[0]


def open_the_document(driver, site: Path):
    """From the index, follow the link to DOC_NUMBER of ISSUE."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get((site / "index.html").as_uri())
    driver.find_element(By.XPATH, f"//section[@data-source='{ISSUE}']"
                                  f"//tr[td[@class='docnum']='{DOC_NUMBER}']//td[@class='title']/a").click()
    WebDriverWait(driver, WAIT_S).until(until.presence_of_element_located((By.ID, "facts")))
    assert DOC_NUMBER in driver.find_element(By.TAG_NAME, "h1").text


def test_clicking_a_subsidy_lights_its_words_and_brings_them_into_view(browser, site):
    from selenium.webdriver.common.by import By

    gold = the_gold_subsidy()
    open_the_document(browser, site)
    row = browser.find_element(
        By.XPATH, "//tbody[@data-table='subsidies']"
                  f"[.//td[@data-col='kind']='{gold['kind']}']"
                  f"[.//td[@data-col='cap_yuan'][@data-value='{gold['cap_yuan']}']]"
                  f"[.//td[@data-col='rate'][@data-value='{gold['rate']}']]")
    fact_id = row.get_attribute("data-fact")
    evidence = row.find_element(By.CSS_SELECTOR, ".ev").get_attribute("textContent")
    assert gold["evidence_contains"] in evidence
    pieces = f'.doc-text .f[data-facts~="{fact_id}"]'

    before = browser.execute_script(PIECES_IN_VIEW, pieces)
    assert before and not any(p["inView"] or p["lit"] for p in before)

    row.find_element(By.CSS_SELECTOR, "td[data-col='kind']").click()
    after = browser.execute_script(PIECES_IN_VIEW, pieces)
    lit = browser.execute_script("return Array.from(document.querySelectorAll('.lit'), e => e.textContent)")
    assert all(p["lit"] for p in after) and len(lit) == len(after)  # exactly the fact's pieces
    assert "".join(lit) == evidence
    assert after[0]["inView"]
    assert "current" in row.get_attribute("class")

    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-document-subsidy.png"))

    other = browser.find_element(By.CSS_SELECTOR, "tbody[data-table='targets'][data-start]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", other)  # clear of the sticky header
    other.find_element(By.CSS_SELECTOR, "td.path").click()
    other_id = other.get_attribute("data-fact")
    relit = browser.execute_script(
        "return Array.from(document.querySelectorAll('.lit'), e => e.dataset.facts.split(' '))")
    assert relit and all(other_id in ids for ids in relit)
    assert not any(p["lit"] for p in browser.execute_script(PIECES_IN_VIEW, pieces))


def test_the_table_filter_hides_and_shows_a_tables_rows(browser, site):
    from selenium.webdriver.common.by import By

    open_the_document(browser, site)
    rows = browser.find_elements(By.CSS_SELECTOR, "tbody[data-table='subsidies']")
    assert rows and rows[0].is_displayed()
    box = browser.find_element(By.CSS_SELECTOR, "input[data-filter='subsidies']")
    box.click()
    assert not any(row.is_displayed() for row in rows)
    assert browser.find_element(By.CSS_SELECTOR, "tbody[data-table='targets']").is_displayed()
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-document-filtered.png"))
    box.click()
    assert rows[0].is_displayed()


def test_the_pages_load_their_script_and_style_without_a_browser_error(browser, site):
    """Also catches the page's Content-Security-Policy refusing its own files from disk."""
    open_the_document(browser, site)
    for href in ("index.html", issue_href(ISSUE)):
        browser.get((site / href).as_uri())
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('nav.crumbs')).position") != "", href
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
