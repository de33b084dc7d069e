"""The review page in a real browser: headless Chromium driven by selenium, from file://.

Clicking a fact must light up exactly its words in the text and bring them into view;
clicking a section in the outline must bring its heading into view; the table filters
must hide a table's rows; a file name too long for the window must wrap. A screenshot
of the document page is left in tests/artifacts/ to look at.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import gazette
from pipeline.report import write_report
from pipeline.report.names import document_href, issue_href
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


# Where an element lies: the heading the outline links to, in the text pane and the window.
IN_TEXT_VIEW = """
const pane = document.getElementById('text').getBoundingClientRect();
const r = document.getElementById(arguments[0]).getBoundingClientRect();
return r.top >= pane.top && r.bottom <= pane.bottom && r.top >= 0 && r.bottom <= window.innerHeight;
"""


def test_clicking_a_section_in_the_outline_brings_its_heading_into_view(browser, site):
    from selenium.webdriver.common.by import By

    open_the_document(browser, site)
    # 三、支持政策: the third top heading, halfway down a long text, so out of view at first
    entry = browser.find_element(By.XPATH, "//nav[@id='outline']/ol/li[3]/a")
    assert entry.text == "三 支持政策"
    anchor_id = entry.get_attribute("hash")[1:]
    assert not browser.execute_script(IN_TEXT_VIEW, anchor_id)

    entry.click()
    assert browser.execute_script(IN_TEXT_VIEW, anchor_id)
    heading = browser.execute_script(
        "const range = document.createRange(); const text = document.querySelector('.doc-text');"
        "range.setStartBefore(document.getElementById(arguments[0])); range.setEndAfter(text.lastChild);"
        "return range.toString().slice(0, 7)", anchor_id)
    assert heading == "三、支持政策\n"
    assert "current" in entry.get_attribute("class")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "report-document-outline.png"))


# Two names no window is wide enough for: 200 characters without a space (the pinyin of a
# web page's title) and a Chinese name as long as a file system allows (255 bytes).
LONG_ASCII_NAME = ("jiaxingshi_renmin_zhengfu_bangongshi_guanyu_yinfa_jiaxingshi_tuijin_rengong_zhineng_jia_"
                   "xingdong_jihua_2025_2027nian_de_tongzhi_" * 2)[:195] + ".html"
LONG_CHINESE_NAME = ("嘉兴市人民政府办公室关于印发嘉兴市推进人工智能加行动计划二〇二五至二〇二七年的通知" * 3)[:75] + ".pdf"

# Elements that show `name` in their own text, where they lie, and whether the page is wider than the window.
NAME_BOXES = """
const name = arguments[0];
const found = document.evaluate('//body//*[contains(text(), "' + name + '")]', document, null,
                                XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
const boxes = [];
for (let i = 0; i < found.snapshotLength; i++) {
  const el = found.snapshotItem(i);
  if (!el.getClientRects().length) continue;
  const r = el.getBoundingClientRect();
  boxes.push({tag: el.tagName, cls: el.className, left: r.left, right: r.right});
}
return {boxes: boxes, scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth};
"""


@pytest.fixture(scope="module")
def long_name_site(tmp_path_factory) -> Path:
    """A web page and an empty PDF under names longer than any window is wide: the site of their run."""
    inputs = tmp_path_factory.mktemp("long-names")
    shutil.copy(raw("jiaxing-2025-18.html"), inputs / LONG_ASCII_NAME)
    shutil.copy(raw("empty.pdf"), inputs / LONG_CHINESE_NAME)  # an error: the name is in the errors table
    out = tmp_path_factory.mktemp("long-names-out")
    result = CliRunner().invoke(gazette, ["extract", str(inputs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html_dir = tmp_path_factory.mktemp("long-names-site")
    summary = write_report(out, html_dir)
    assert (summary.issue_pages, summary.document_pages) == (1, 1)
    return html_dir


@pytest.mark.parametrize("width", [800, WINDOW[0]])
def test_a_very_long_file_name_wraps_instead_of_widening_the_pages(browser, long_name_site, width):
    from selenium.webdriver.common.by import By

    browser.set_window_size(width, WINDOW[1])
    try:
        browser.get((long_name_site / "index.html").as_uri())
        document_link = browser.find_element(By.CSS_SELECTOR, "table.docs td.title a").get_attribute("href")
        assert document_link.endswith(document_href(browser.find_element(
            By.CSS_SELECTOR, "table.docs tr[data-doc]").get_attribute("data-doc")))
        pages = {"index": (long_name_site / "index.html").as_uri(),
                 "issue": (long_name_site / issue_href(LONG_ASCII_NAME)).as_uri(), "document": document_link}
        for page, uri in pages.items():
            browser.get(uri)
            for name in (LONG_ASCII_NAME, LONG_CHINESE_NAME):
                seen = browser.execute_script(NAME_BOXES, name)
                assert seen["scrollWidth"] <= seen["clientWidth"], (page, seen)
                for box in seen["boxes"]:
                    assert 0 <= box["left"] and box["right"] <= seen["clientWidth"], (page, name, box)
            shown = browser.execute_script(NAME_BOXES, LONG_ASCII_NAME)["boxes"]
            assert shown, page  # each page shows the long name (the test would be empty otherwise)
        browser.save_screenshot(str(ARTIFACTS / f"report-long-name-{width}.png"))
    finally:
        browser.set_window_size(*WINDOW)


def test_the_pages_load_their_script_and_style_without_a_browser_error(browser, site):
    """Also catches the page's Content-Security-Policy refusing its own files from disk."""
    open_the_document(browser, site)
    for href in ("index.html", issue_href(ISSUE)):
        browser.get((site / href).as_uri())
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('nav.crumbs')).position") != "", href
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not severe, severe
