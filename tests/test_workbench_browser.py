"""The workbench in a real browser: JupyterLab with Debian's chromium, driven by Selenium.

A researcher opens a notebook that shows the workbench on a copy of the sample study, clicks a
statement in the transcript, picks a code in the codebook tree and presses *Code*; the coding must then
be in the coder's file ``codings/CODER.csv``. CI installs chromium (``.ci/run``); without it the test
is skipped and says why.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ROOT = Path(__file__).resolve().parents[1]
CODER = "browser-coder"
DOC = "FG-CM-NGO"
CODE = "protection.interpreters"

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _notebook(study: Path) -> dict:
    source = (f"from fivep import Study\nfrom fivep.workbench import Workbench\n"
              f"from fivep.workbench.review import suggest_from_rules\n"
              f"study = Study.open({str(study)!r})\nsuggest_from_rules(study)\n"
              f"Workbench(study, coder={CODER!r}, document={DOC!r})")
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "workbench", "metadata": {},
                       "outputs": [], "source": source}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture()
def lab(tmp_path: Path, sample_copy: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab serving a folder with the workbench notebook; yields its URL and the study."""
    from fivep import Study

    study = Study.open(sample_copy)
    study.ingest()
    study.code(rules_only=True)     # the suggestions to review: the keyword tagger's (the encoder is slow to load)
    study.close()
    work = tmp_path / "lab"
    work.mkdir()
    (work / "workbench.ipynb").write_text(json.dumps(_notebook(sample_copy)), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={work}", f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", *(["--allow-root"] if os.geteuid() == 0 else [])],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "lab.log").open("w"))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("JupyterLab did not start: " + (tmp_path / "lab.log").read_text()[-2000:])
        yield f"http://127.0.0.1:{port}/lab/tree/workbench.ipynb?token={token}", sample_copy
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


SELECT_WORDS = """
const text = arguments[0];
const node = document.createTreeWalker(text, NodeFilter.SHOW_TEXT).nextNode();
const range = document.createRange();
range.setStart(node, 0);
range.setEnd(node, Math.min(12, node.length));
const selection = window.getSelection();
selection.removeAllRanges();
selection.addRange(range);
text.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
return range.toString();
"""


def _decision(study: Path, suggestion: str | None) -> str | None:
    """The status ``suggestions.csv`` records for the suggestion shown as ``data-suggestion``."""
    from fivep import Study

    opened = Study.open(study)
    try:
        found = [s for s in opened.store.suggestions() if str(s.id) == suggestion]
    finally:
        opened.close()
    if not found or not (study / "suggestions.csv").exists():
        return None
    with (study / "suggestions.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle)
                if (r["segment_id"], r["code_id"]) == (found[0].segment_id, found[0].code_id)]
    return rows[-1]["status"] if rows else None


def _run_the_cell(driver: Any) -> Any:
    """Run the notebook's cell until the workbench shows; returns the first statement of the transcript.

    A run pressed while the kernel is still connecting can be dropped, or JupyterLab asks for a kernel:
    the dialog is accepted and the cell run again.
    """
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + 50
    pressed = 0.0
    while time.monotonic() < deadline:
        try:
            found, pressed = _try_to_run(driver, pressed)
        except StaleElementReferenceException:     # the page re-rendered under us: look again
            continue
        if found is not None:
            return found
        time.sleep(0.3)
    raise AssertionError("the workbench did not appear in the notebook")


def _try_to_run(driver: Any, pressed: float) -> tuple[Any, float]:
    from selenium.webdriver.common.by import By

    found = driver.find_elements(By.CSS_SELECTOR, f'.fv-seg[data-segment^="{DOC}#"] .fv-text')
    if found and found[0].is_displayed():
        return found[0], pressed
    for button in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-Dialog-button.jp-mod-accept"):
        button.click()
    prompts = driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell .jp-InputPrompt")
    idle = driver.find_elements(By.CSS_SELECTOR, '.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    if prompts and idle and prompts[0].text.strip() == "[ ]:" and time.monotonic() - pressed > 8:
        prompts[0].click()
        driver.find_element(By.CSS_SELECTOR, '[data-command="notebook:run-cell-and-select-next"]').click()
        pressed = time.monotonic()
    return None, pressed


def _coded_rows(study: Path) -> list[dict[str, str]]:
    path = study / "codings" / f"{CODER}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_code_a_statement_through_jupyterlab(lab: tuple[str, Path], browser: object, tmp_path: Path) -> None:
    try:
        _code_through_the_page(lab, browser)
    except Exception:
        browser.save_screenshot(str(tmp_path / "failure.png"))   # type: ignore[attr-defined]
        (tmp_path / "failure.html").write_text(browser.page_source, encoding="utf-8")   # type: ignore[attr-defined]
        print(f"the page as it was: {tmp_path / 'failure.png'}; JupyterLab's log: {tmp_path / 'lab.log'}")
        raise


def _code_through_the_page(lab: tuple[str, Path], driver: Any) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    url, study = lab
    # the page re-renders a statement when its codings change: an element found a moment ago can go stale
    # while a condition reads it, and the wait looks again instead of failing
    wait = WebDriverWait(driver, 40, ignored_exceptions=(StaleElementReferenceException,))
    driver.get(url)   # type: ignore[attr-defined]
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    statement = _run_the_cell(driver)
    segment_id = statement.find_element(By.XPATH, "..").get_attribute("data-segment")
    statement.click()
    wait.until(lambda d: segment_id in d.find_element(By.CSS_SELECTOR, ".fv-workbench").text)
    option = wait.until(ec.element_to_be_clickable(
        (By.XPATH, f'//div[contains(@class, "fv-tree")]//option[contains(., "({CODE})")]')))
    option.click()
    driver.find_element(By.CSS_SELECTOR, "button.fv-code-button").click()   # type: ignore[attr-defined]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _coded_rows(study):
        time.sleep(0.3)
    rows = _coded_rows(study)
    assert [(r.get("segment_id"), r.get("code_id")) for r in rows] == [(segment_id, CODE)]
    # and the page shows the new coding stripe on that statement
    wait.until(lambda d: CODER in d.find_element(By.CSS_SELECTOR, f'.fv-seg[data-segment="{segment_id}"]').text)

    # a span: select the first words of the next statement with the mouse (a DOM range), then Code
    def select_words(d: Any) -> tuple[str, str]:
        other = d.find_elements(By.CSS_SELECTOR, f'.fv-seg[data-segment^="{DOC}#"]')[1]
        return other.get_attribute("data-segment"), d.execute_script(SELECT_WORDS,
                                                                      other.find_element(By.CSS_SELECTOR, ".fv-text"))

    other_id, chosen = wait.until(select_words)   # looked up again if the page re-rendered the statement
    wait.until(lambda d: "(span " in d.find_element(By.CSS_SELECTOR, ".fv-workbench").text)
    driver.find_element(By.CSS_SELECTOR, "button.fv-code-button").click()
    wait.until(lambda d: len(_coded_rows(study)) == 2)
    span = _coded_rows(study)[1]
    assert (span["segment_id"], span["code_id"], span["quote"]) == (other_id, CODE, chosen)
    assert int(span["end"]) - int(span["start"]) == len(chosen)

    # review: the first suggestion is accepted with the key "a" (not taken by JupyterLab's shortcuts)
    driver.find_element(By.XPATH, '//*[contains(@class, "lm-TabBar-tabLabel") and text()="Review"]').click()
    card = wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, ".fv-keys .fv-card[data-suggestion]")))
    suggestion = card.get_attribute("data-suggestion")
    cells = len(driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
    card.click()
    ActionChains(driver).send_keys("a").perform()
    wait.until(lambda d: _decision(study, suggestion) == "accepted")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")) == cells   # no cell inserted
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".fv-keys .fv-card").get_attribute("data-suggestion")
               != suggestion)
