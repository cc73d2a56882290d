"""The web console over HTTP (no browser): sign-in and lock-out, CSRF, scope, errors next to fields, no JSON
or stack trace to a clerk, and the public board."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select

from api.clock import local_today
from api.db import transaction
from api.models import Application, ApplicationEvent, Area, AuditEntry, Role, User
from api.models import ApplicationState as S
from api.services import accounts
from tests.factories import make_application, make_area_tree, make_client, make_household, make_user

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True, scope="module")
def _cheap_hashes() -> Iterator[None]:
    """argon2 with its lowest costs: what is tested is the flow, not the hash's strength."""
    from argon2 import PasswordHasher

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    yield
    accounts.use_hasher(PasswordHasher())


def _user(session: Any, area: Any, role: str, login: str) -> User:
    user = make_user(session, area, role, name=login)
    accounts.set_login(session, user, login, by="test")
    accounts.set_password(session, user, PASSWORD, by="test")
    return user


@pytest.fixture
def world(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as s:
        tree = make_area_tree(s)
        for key, area, role in [("clerk", "v1", "clerk"), ("head", "v1", "reviewer"), ("v2", "v2", "clerk"),
                                ("town", "t1", "reviewer"), ("county", "county", "admin"),
                                ("viewer", "v1", "viewer")]:
            _user(s, tree[area], role, key)
        household = make_household(s, tree["v1"], head_name="张大山")
        app = make_application(s, household, state=S.submitted, year=2026)
        ids = {k: a.id for k, a in tree.items()}
        return {"tree": ids, "app": app.id, "household": household.id, "engine": engine}


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def sign_in(client: Any, login: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf_of(page.text),
                                       "next": "/"}, follow_redirects=False)


def signed_in(engine: Engine, login: str) -> Any:
    client = make_client(engine)
    r = sign_in(client, login)
    assert r.status_code == 303, r.text
    return client


def test_pages_need_a_session_and_the_cookie_is_safe(world: dict[str, Any]) -> None:
    client = make_client(world["engine"])
    r = client.get("/applications", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    r = sign_in(client, "clerk")
    cookie = r.headers["set-cookie"]
    assert "anju_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert r.headers["location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    assert "default-src 'self'" in home.headers["content-security-policy"]


def test_wrong_passwords_lock_the_login_with_growing_waits(world: dict[str, Any]) -> None:
    client = make_client(world["engine"])
    for _ in range(accounts.FREE_FAILURES):
        r = sign_in(client, "clerk", "wrong password!")
        assert r.status_code == 401 and "登录名或密码不正确" in r.text
    r = sign_in(client, "clerk")  # the right password while locked is refused too
    assert r.status_code == 429 and "分钟后再试" in r.text
    with transaction(world["engine"]) as s:
        user = s.scalar(select(User).where(User.login == "clerk"))
        assert user is not None and user.failed_logins == accounts.FREE_FAILURES
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "user.locked")) is not None
    assert accounts.lock_for(accounts.FREE_FAILURES + 1) == 2 * accounts.lock_for(accounts.FREE_FAILURES)
    assert accounts.lock_for(99) == accounts.MAX_LOCK
    r = sign_in(client, "nobody", "wrong password!")
    assert r.status_code == 401 and "登录名或密码不正确" in r.text  # same answer for an unknown login


def test_a_form_without_the_session_csrf_token_changes_nothing(world: dict[str, Any]) -> None:
    client = signed_in(world["engine"], "clerk")
    url = f"/applications/{world['app']}/step"
    data = {"to": "village_review", "evidence.survey_date": local_today().isoformat()}
    r = client.post(url, data=data)
    assert r.status_code == 403 and "表单已过期" in r.text and "<html" in r.text
    r = client.post(url, data={**data, "csrf": "forged"})
    assert r.status_code == 403
    with transaction(world["engine"]) as s:
        assert s.get(Application, world["app"]).state is S.submitted
    page = client.get(f"/applications/{world['app']}")
    r = client.post(url, data={**data, "csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    with transaction(world["engine"]) as s:
        assert s.get(Application, world["app"]).state is S.village_review
    # the sign-in form has its own token, bound to a cookie
    fresh = make_client(world["engine"])
    r = fresh.post("/login", data={"login": "clerk", "password": PASSWORD, "csrf": "x"}, follow_redirects=False)
    assert r.status_code == 403


def test_scope_is_the_apis(world: dict[str, Any]) -> None:
    other = signed_in(world["engine"], "v2")
    r = other.get(f"/applications/{world['app']}")
    assert r.status_code == 404 and "不存在" in r.text and "<html" in r.text
    assert world["app"] and "张大山" not in other.get("/applications").text
    page = other.get("/")
    r = other.post(f"/applications/{world['app']}/step", data={"csrf": csrf_of(page.text), "to": "village_review",
                                                              "evidence.survey_date": "2026-01-05"})
    assert r.status_code == 404
    town = signed_in(world["engine"], "town")
    assert "张大山" in town.get(f"/applications/{world['app']}").text
    viewer = signed_in(world["engine"], "viewer")
    assert 'action="/applications/' not in viewer.get(f"/applications/{world['app']}").text
    assert signed_in(world["engine"], "clerk").get("/users").status_code == 403


def test_step_errors_are_next_to_their_field_and_in_chinese(world: dict[str, Any]) -> None:
    client = signed_in(world["engine"], "clerk")
    page = client.get(f"/applications/{world['app']}")
    assert "入户调查日期" in page.text and "step-village_review" in page.text
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    r = client.post(f"/applications/{world['app']}/step",
                    data={"csrf": csrf_of(page.text), "to": "village_review", "evidence.survey_date": tomorrow})
    assert r.status_code == 422
    assert re.search(r'id="err-evidence-survey_date">[^<]*晚于今天', r.text), r.text
    r = client.post(f"/applications/{world['app']}/step",
                    data={"csrf": csrf_of(page.text), "to": "village_review", "evidence.survey_date": ""})
    assert re.search(r'id="err-evidence-survey_date">[^<]*必须提供', r.text)
    r = client.post(f"/applications/{world['app']}/step", data={"csrf": csrf_of(page.text), "to": "paid"})
    assert r.status_code == 409 and "不能转为" in r.text
    en = client.get("/lang/en?next=/", follow_redirects=False)
    assert en.status_code == 303
    r = client.post(f"/applications/{world['app']}/step",
                    data={"csrf": csrf_of(page.text), "to": "village_review", "evidence.survey_date": tomorrow})
    assert "in the future" in r.text and "晚于今天" not in r.text


def test_paper_record_is_back_dated_and_says_who_entered_it(world: dict[str, Any]) -> None:
    client = signed_in(world["engine"], "clerk")
    page = client.get(f"/file?household_id={world['household']}")
    assert page.status_code == 200
    with transaction(world["engine"]) as s:  # the household's open application is withdrawn first
        app = s.get(Application, world["app"])
        app.state = S.withdrawn
    back = local_today() - dt.timedelta(days=20)
    form = {"csrf": csrf_of(page.text), "household_id": str(world["household"]), "filed_by": "committee",
            "reason": "房屋开裂", "incapacity_reason": "户主重度失智", "contacts.0.name": "张小山",
            "contacts.0.phone": "13912345678", "contacts.0.relation": "监护人", "filed_on": back.isoformat()}
    r = client.post("/file", data=form)
    assert r.status_code == 422 and 'id="err-paper_ref"' in r.text
    r = client.post("/file", data={**form, "paper_ref": "纸质申请 2026-07"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    new_id = int(r.headers["location"].split("/")[2].split("?")[0])
    with transaction(world["engine"]) as s:
        app = s.get(Application, new_id)
        first = app.events[0]
        assert app.filed_by.value == "committee" and [c.relation for c in app.contacts] == ["监护人"]
        assert first.effective_on == back and first.evidence["paper_ref"] == "纸质申请 2026-07"
        assert first.actor.endswith(":clerk") and first.at.date() >= local_today() - dt.timedelta(days=1)
    detail = client.get(f"/applications/{new_id}").text
    assert "纸质记录" in detail and back.isoformat() in detail and "村委会代为申请" in detail


def test_payment_above_the_county_limit_is_refused_and_a_correction_is_an_event(world: dict[str, Any]) -> None:
    with transaction(world["engine"]) as s:
        other = s.get(Area, world["tree"]["other_county"])  # 武乡县: 001 caps the subsidy at 1.4万元
        _user(s, other, Role.admin, "wuxiang")
        household = make_household(s, s.get(Area, world["tree"]["other_village"]))
        app = make_application(s, household, state=S.accepted, accepted_on=dt.date(2026, 1, 5))
        s.add(ApplicationEvent(application_id=app.id, from_state=S.completed, to_state=S.accepted, actor="test",
                               effective_on=dt.date(2026, 1, 5)))
        app_id = app.id
    client = signed_in(world["engine"], "wuxiang")
    page = client.get(f"/applications/{app_id}")
    assert "1.4万元" in page.text and "001 制定分级分类标准" in page.text
    data = {"csrf": csrf_of(page.text), "to": "paid", "evidence.payment_amount_yuan": "500000",
            "evidence.payment_date": "2026-01-06"}
    r = client.post(f"/applications/{app_id}/step", data=data)
    assert r.status_code == 422 and re.search(r'id="err-evidence-payment_amount_yuan">[^<]*超过本县补助上限', r.text)
    r = client.post(f"/applications/{app_id}/step", data={**data, "evidence.payment_amount_yuan": "14000"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post(f"/applications/{app_id}/correct", data={"csrf": csrf_of(page.text),
                                                             "field": "payment_amount_yuan", "value": "12000",
                                                             "reason": ""})
    assert r.status_code == 422 and "须写明理由" in r.text
    r = client.post(f"/applications/{app_id}/correct", data={"csrf": csrf_of(page.text), "field": "payment_amount_yuan",
                                                             "value": "12000", "reason": "按发票更正"},
                    follow_redirects=False)
    assert r.status_code == 303
    with transaction(world["engine"]) as s:
        app = s.get(Application, app_id)
        assert app.paid_amount_yuan == 12000 and app.state is S.paid
        assert app.events[-1].evidence == {"correction": "payment_amount_yuan", "old": 14000, "new": 12000}
        assert s.scalar(select(AuditEntry).where(AuditEntry.action == "application.correct")) is not None


def test_admin_creates_a_user_resets_a_password_and_manages_tokens(world: dict[str, Any]) -> None:
    admin = signed_in(world["engine"], "county")
    page = admin.get("/users")
    r = admin.post("/users", data={"csrf": csrf_of(page.text), "name": "李四", "login": "lisi", "role": "clerk",
                                   "area_id": str(world["tree"]["v3"])})
    password = re.search(r'id="shown-password">([^<]+)<', r.text)
    assert r.status_code == 200 and password
    newcomer = make_client(world["engine"])
    assert sign_in(newcomer, "lisi", password.group(1)).status_code == 303
    with transaction(world["engine"]) as s:
        lisi = s.scalar(select(User).where(User.login == "lisi"))
        assert lisi is not None and lisi.password_hash and password.group(1) not in lisi.password_hash
        lisi_id = lisi.id
    r = admin.post(f"/users/{lisi_id}/password", data={"csrf": csrf_of(page.text)})
    assert re.search(r'id="shown-password">', r.text)
    assert newcomer.get("/", follow_redirects=False).status_code == 303  # the reset ended the old session
    r = admin.post(f"/users/{lisi_id}/tokens", data={"csrf": csrf_of(page.text), "label": "手机"})
    token = re.search(r'id="shown-token">([^<]+)<', r.text)
    assert token
    api = make_client(world["engine"])
    assert api.get("/api/v1/applications", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 200
    with transaction(world["engine"]) as s:
        from api.models import ApiToken

        token_id = s.scalar(select(ApiToken.id).where(ApiToken.user_id == lisi_id))
    admin.post(f"/tokens/{token_id}/revoke", data={"csrf": csrf_of(page.text)})
    assert api.get("/api/v1/applications", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 401
    # a village admin cannot reach a user of another village
    with transaction(world["engine"]) as s:
        _user(s, s.get(Area, world["tree"]["v1"]), "admin", "vadmin")
    village_admin = signed_in(world["engine"], "vadmin")
    page = village_admin.get("/users")
    assert "lisi" not in page.text
    assert village_admin.post(f"/users/{lisi_id}/password", data={"csrf": csrf_of(page.text)}).status_code == 404


def test_every_page_renders_for_each_level(world: dict[str, Any]) -> None:
    for login in ("clerk", "town", "county", "viewer"):
        client = signed_in(world["engine"], login)
        for path in ("/", "/applications", "/applications?overdue=1", "/households?q=张", "/notices",
                     "/objections", "/complaints", "/leads", "/stats", "/me"):
            r = client.get(path)
            assert r.status_code == 200, (login, path, r.text[:500])
            assert "<html" in r.text
    client = signed_in(world["engine"], "county")
    assert client.get("/exports/archive.csv").status_code == 200
    assert client.get("/applications/abc").status_code == 404
    assert "<svg" in client.get("/stats").text


def test_docs_and_scripts_come_from_this_server(world: dict[str, Any]) -> None:
    client = make_client(world["engine"])
    docs = client.get("/docs").text
    assert "/static/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/static/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/htmx.min.js").status_code == 200
    assert client.get("/static/..%2Fweb.py").status_code == 404
    page = client.get("/login").text
    assert "http://" not in page and "https://" not in page


def test_pages_switch_to_korean_and_english(world: dict[str, Any]) -> None:
    client = make_client(world["engine"])
    assert "工作人员登录" in client.get("/login").text
    client.get("/lang/ko?next=/login")
    assert "직원 로그인" in client.get("/login").text
    client.get("/lang/en?next=/login")
    page = client.get("/login").text
    assert "Staff sign-in" in page and "工作人员登录" not in page
    r = client.get("/lang/zh_Hans?next=//evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"
