from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from shared.settings import PROJECT_ROOT
from tests.support.local_stack import running_local_stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory):
    with running_local_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("Debian's chromium is required for browser tests (bin/test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


# Screenshots the browser tests keep, one folder per test, replaced on each run: under the
# project's `test-artifacts/` (ignored by git), where a person looks after a run; the path is
# printed at the end of the run.
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
_KEPT: list[Path] = []


@pytest.fixture
def artifacts(request) -> Path:
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    _KEPT.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter):
    for folder in _KEPT:
        terminalreporter.write_line(f"Screenshots kept in {folder}")
