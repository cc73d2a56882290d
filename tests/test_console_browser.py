"""The console in a real browser: headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by
Selenium against uvicorn on 127.0.0.1 with its own SQLite file. One server and one browser for the module; each
test makes its own users and records, so the tests do not depend on each other's order.

``ANJU_SCREENSHOTS=docs/screenshots pytest tests/test_console_browser.py`` also saves the main pages as PNG.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from api.bootstrap import prepare_database
from api.clock import local_today
from api.console.web import actor_for
from api.db import make_engine, transaction
from api.models import Application, ApplicationEvent, Area, NoticeLevel
from api.models import ApplicationState as S
from api.models._types import utcnow
from api.schemas.publicity import NoticeIn
from api.services import accounts, objections, publicity
from tests.factories import id_number, make_application, make_area_tree, make_household, make_user

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="apt-get install chromium chromium-driver")
PASSWORD = "correct horse battery"
SHOTS = os.environ.get("ANJU_SCREENSHOTS")
_serial = itertools.count(1)


@pytest.fixture(scope="module")
def _cheap() -> Iterator[None]:
    from argon2 import PasswordHasher

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(PasswordHasher())


class Site:
    def __init__(self, engine: Engine, base: str, tree: dict[str, int]) -> None:
        self.engine, self.base, self.tree = engine, base, tree

    def user(self, area: str, role: str) -> str:
        """A new user in ``area`` with ``role``; returns its login."""
        login = f"u{next(_serial)}{role}"
        with transaction(self.engine) as s:
            user = make_user(s, s.get(Area, self.tree[area]), role, name=f"测试{login}")
            accounts.set_login(s, user, login, by="test")
            accounts.set_password(s, user, PASSWORD, by="test")
        return login

    def application(self, area: str = "v1", state: S = S.submitted, filed_on: dt.date | None = None,
                    head: str = "张大山") -> int:
        with transaction(self.engine) as s:
            n = next(_serial)
            household = make_household(s, s.get(Area, self.tree[area]), head_name=head,
                                       head_id_number=id_number(500 + n))
            app = make_application(s, household, state=state, year=2026, number=f"B-{n:05d}")
            on = filed_on or local_today() - dt.timedelta(days=30)
            s.add(ApplicationEvent(application_id=app.id, from_state=None, to_state=state, actor="test",
                                   effective_on=on))
            return app.id


@pytest.fixture(scope="module")
def site(_cheap: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn

    from api.app import create_app

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'anju.db'}")
    prepare_database(engine)
    with transaction(engine) as s:
        tree = {k: a.id for k, a in make_area_tree(s).items()}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield Site(engine, f"http://127.0.0.1:{port}", tree)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER or ""), options=options)
    driver.implicitly_wait(3)
    yield driver
    driver.quit()


@pytest.fixture
def b(browser: Any, site: Site) -> Any:
    """The shared browser, signed out and back at the default size."""
    browser.set_window_size(1280, 900)
    browser.get(site.base + "/board")
    browser.delete_all_cookies()
    return browser


def shot(browser: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        width = browser.get_window_size()["width"]
        browser.set_window_size(width, min(max(height + 140, 600), 2400))
        browser.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


def by_id(browser: Any, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.ID, element_id)


def css(browser: Any, selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, selector)


def sign_in(browser: Any, site: Site, login: str, password: str = PASSWORD) -> None:
    browser.get(site.base + "/login")
    by_id(browser, "f-login").send_keys(login)
    by_id(browser, "f-password").send_keys(password)
    submit_and_wait(browser, by_id(browser, "login-submit"))


def submit_and_wait(browser: Any, button: Any) -> None:
    """Click and wait until the next page has replaced this one (a click does not wait for navigation)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def replaced(_driver: Any) -> bool:
        try:
            button.is_enabled()
        except WebDriverException:   # stale, or "node does not belong to the document": the page was replaced
            return True
        return False

    button.click()
    WebDriverWait(browser, 10).until(replaced)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def set_value(browser: Any, element: Any, value: str) -> None:
    """Date inputs take keys in the browser's locale format; the ISO value is set directly instead."""
    browser.execute_script("arguments[0].value = arguments[1]", element, value)


def test_login_and_lockout(b: Any, site: Site) -> None:
    login = site.user("v1", "clerk")
    b.get(site.base + "/")
    assert "/login" in b.current_url
    shot(b, "login")
    for _ in range(accounts.FREE_FAILURES):
        sign_in(b, site, login, "not the password")
        assert "登录名或密码不正确" in by_id(b, "err-password").text
    sign_in(b, site, login)
    assert "分钟后再试" in by_id(b, "err-password").text
    other = site.user("v1", "clerk")
    sign_in(b, site, other)
    assert b.current_url.rstrip("/") == site.base and "待办" in css(b, "h1").text
    submit_and_wait(b, by_id(b, "logout"))
    assert "/login" in b.current_url


def test_filing_for_a_person_who_is_incapacitated(b: Any, site: Site) -> None:
    with transaction(site.engine) as s:
        make_household(s, s.get(Area, site.tree["v1"]), head_name="刘失能", head_id_number=id_number(901))
    sign_in(b, site, site.user("v1", "clerk"))
    b.get(site.base + "/households")
    by_id(b, "f-q").send_keys("刘失能")   # htmx looks the household up as the clerk types
    submit_and_wait(b, css(b, "#found a.button"))
    assert not css(b, ".committee-only").is_displayed()
    by_id(b, "filed-committee").click()
    assert css(b, ".committee-only").is_displayed() and not css(b, ".applicant-only").is_displayed()
    by_id(b, "f-reason").send_keys("房屋墙体开裂")
    submit_and_wait(b, by_id(b, "file-submit"))   # no incapacity reason yet: refused
    assert "失能失智" in by_id(b, "err-incapacity_reason").text
    by_id(b, "f-incapacity_reason").send_keys("户主重度失智，无法本人申请")
    by_id(b, "f-contacts-0-name").send_keys("刘小二")
    by_id(b, "f-contacts-0-phone").send_keys("13912345601")
    by_id(b, "f-contacts-0-relation").send_keys("监护人")
    shot(b, "filing")
    submit_and_wait(b, by_id(b, "file-submit"))
    assert "村委会代为申请" in by_id(b, "filed-by").text
    assert "13912345601" in b.page_source and by_id(b, "app-state").text == "已申请"


def test_one_step_with_its_evidence(b: Any, site: Site) -> None:
    filed = local_today() - dt.timedelta(days=10)
    app_id = site.application(filed_on=filed)
    sign_in(b, site, site.user("v1", "clerk"))
    b.get(f"{site.base}/applications/{app_id}")
    form = by_id(b, "step-village_review")
    assert "入户调查日期" in form.text
    date = by_id(b, "f-village_review-survey_date")
    set_value(b, date, (filed - dt.timedelta(days=3)).isoformat())   # before the filing: refused by the server
    submit_and_wait(b, css(b, "#step-village_review button[type=submit]"))
    assert "早于申请日期" in by_id(b, "err-evidence-survey_date").text
    set_value(b, by_id(b, "f-village_review-survey_date"), (filed + dt.timedelta(days=2)).isoformat())
    submit_and_wait(b, css(b, "#step-village_review button[type=submit]"))
    assert by_id(b, "app-state").text == "村级评议"
    assert (filed + dt.timedelta(days=2)).isoformat() in by_id(b, "history").text
    shot(b, "application")
    b.set_window_size(390, 844)   # a phone: the page fits its width
    b.get(f"{site.base}/applications/{app_id}")
    assert b.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(b, "application-phone")


def test_a_back_dated_paper_record(b: Any, site: Site) -> None:
    filed = local_today() - dt.timedelta(days=60)
    app_id = site.application(filed_on=filed)
    login = site.user("v1", "clerk")
    sign_in(b, site, login)
    b.get(f"{site.base}/applications/{app_id}")
    happened = filed + dt.timedelta(days=5)
    set_value(b, by_id(b, "f-village_review-survey_date"), happened.isoformat())
    css(b, "#step-village_review details.paper summary").click()
    by_id(b, "f-paper-village_review").send_keys("入户调查表 第12号")
    submit_and_wait(b, css(b, "#step-village_review button[type=submit]"))
    history = by_id(b, "history").text
    assert "纸质记录 入户调查表 第12号" in history and happened.isoformat() in history
    assert login in history and local_today().isoformat()[:4] in history   # who entered it, and when
    with transaction(site.engine) as s:
        event = s.get(Application, app_id).events[-1]
        assert event.effective_on == happened and event.at.date() >= local_today() - dt.timedelta(days=1)


def test_opening_publicity_and_printing_the_notice(b: Any, site: Site) -> None:
    app_id = site.application(area="v2", state=S.village_review, head="王公示")
    sign_in(b, site, site.user("v2", "clerk"))
    b.get(site.base + "/notices")
    by_id(b, "f-minutes_ref").send_keys("西村四议两公开纪要 1号")
    submit_and_wait(b, by_id(b, "notice-submit"))   # 山阴 004 四(二) requires the report phone on the notice
    assert "举报电话" in by_id(b, "err-report_phone").text
    by_id(b, "f-report_phone").send_keys("0349-7021234")
    shot(b, "publicity-open")
    submit_and_wait(b, by_id(b, "notice-submit"))
    assert "公示期" in b.page_source and "0349-7021234" in b.page_source
    submit_and_wait(b, by_id(b, "print-link"))
    page = css(b, "article.a4").text
    assert "王*" in page and "王公示" not in page                    # names masked on paper
    assert f"异议 {b.current_url.split('/')[-2]} {app_id}" in by_id(b, "sms-example").text
    assert "Telegram" in page and "0349-7021234" in page and "24时" in page
    b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not by_id(b, "print-button").is_displayed()   # the print style hides the buttons
        shot(b, "notice-print")
    finally:
        b.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def _open_notice_with_objection(site: Site) -> tuple[int, int]:
    app_id = site.application(area="v3", state=S.village_review, head="赵异议")
    with transaction(site.engine) as s:
        clerk = make_user(s, s.get(Area, site.tree["v3"]), "clerk")
        notice = publicity.open_notice(s, actor_for(clerk), NoticeIn(
            level=NoticeLevel.village, area_id=site.tree["v3"], application_ids=[app_id], minutes_ref="纪要2号",
            report_phone="0349-7021234"))
        objection = objections.file_objection(s, notice.id, app_id, "他家在县城有房", "13912345602", "sms",
                                              "13912345602", utcnow())
        return notice.id, objection.id


def test_an_objection_decision(b: Any, site: Site) -> None:
    _notice_id, objection_id = _open_notice_with_objection(site)
    sign_in(b, site, site.user("v3", "reviewer"))
    b.get(site.base + "/objections")
    card = by_id(b, f"objection-{objection_id}")
    assert "他家在县城有房" in card.text
    by_id(b, f"f-inv-{objection_id}").send_keys("入户核实：县城房屋为租住")
    by_id(b, f"dismiss-{objection_id}").click()
    by_id(b, f"f-reply-{objection_id}").send_keys("经调查，所反映房屋为租住，异议不成立。")
    shot(b, "objections")
    submit_and_wait(b, by_id(b, f"decide-{objection_id}"))
    card = by_id(b, f"objection-{objection_id}")
    assert "dismissed" in card.text and "异议不成立" in css(card, ".reply").text


def test_a_village_user_is_refused_another_villages_record(b: Any, site: Site) -> None:
    app_id = site.application(area="v1", head="陈本村")
    sign_in(b, site, site.user("v2", "clerk"))
    b.get(f"{site.base}/applications/{app_id}")
    assert "不存在" in by_id(b, "error-message").text and "陈本村" not in b.page_source
    b.get(site.base + "/applications")
    assert "陈本村" not in b.page_source


def test_the_public_board(b: Any, site: Site) -> None:
    notice_id, _ = _open_notice_with_objection(site)
    b.get(site.base + "/board")
    shot(b, "board")
    submit_and_wait(b, css(b, "a[href='/board/140621']"))
    submit_and_wait(b, css(b, f"a[href='/board/village/{site.tree['v3']}']"))
    notice = by_id(b, f"board-notice-{notice_id}")
    assert "赵*" in notice.text and "赵异议" not in b.page_source
    assert f"异议 {notice_id}" in notice.text and "0349-7021234" in notice.text and "公示期" in notice.text
    assert "/login" not in b.current_url
    shot(b, "board-village")


def test_statistics_and_work_list(b: Any, site: Site) -> None:
    site.application(area="v1", state=S.township_review)
    with transaction(site.engine) as s:   # one past its township-review deadline
        app = s.get(Application, site.application(area="v1", state=S.township_review, head="钱逾期"))
        app.due_on = local_today() - dt.timedelta(days=3)
    sign_in(b, site, site.user("t1", "reviewer"))
    assert "钱逾期" in css(b, "tr.overdue").text
    shot(b, "work-list")
    b.get(site.base + "/stats")
    assert len(b.find_elements("css selector", "svg.chart")) == 4 and int(by_id(b, "late-total").text) >= 1
    shot(b, "statistics")
