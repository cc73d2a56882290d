"""Signing in and out, and the language of the pages (a cookie: zh_Hans by default, ko or en)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from api.console.web import (
    LANG_COOKIE,
    N_,
    PRE_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleRoute,
    PostingStaff,
    in_language,
    language_of,
    redirect,
    render,
    set_cookie,
    unit,
)
from api.i18n import LANGUAGES
from api.models._types import utcnow
from api.services import accounts

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in form cannot bounce a clerk to someone else's page."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, *, next_: str, login: str = "", errors: dict[str, str] | None = None,
                status: int = 200) -> Response:
    token = request.cookies.get(PRE_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {"next": safe_next(next_), "form": {"login": login},
                                              "errors": errors or {}, "login_csrf": token}, status=status)
    set_cookie(response, request, PRE_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    return _login_page(request, next_=next)


@router.post("/login")
def login(request: Request, login: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    expected = request.cookies.get(PRE_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf, expected):
        return _login_page(request, next_=next, login=login, status=403,
                           errors={"_form": N_("表单已过期，请刷新页面后重试")})
    now = utcnow()
    try:
        with unit(request) as session:
            user = accounts.authenticate(session, login, password, now)
            opened = accounts.open_session(session, user, now)
    except accounts.Locked as exc:
        message = in_language(exc.message, language_of(request))
        return _login_page(request, next_=next, login=login, errors={"password": message},
                           status=429)
    except accounts.BadCredentials:
        with unit(request) as session:
            accounts.record_failure(session, login, now)
        return _login_page(request, next_=next, login=login, errors={"password": N_("登录名或密码不正确")},
                           status=401)
    response = redirect(safe_next(next))
    set_cookie(response, request, SESSION_COOKIE, opened.token, max_age=int(accounts.SESSION_TTL.total_seconds()))
    response.delete_cookie(PRE_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, staff: PostingStaff) -> Response:
    with unit(request) as session:
        accounts.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{language}")
def choose_language(request: Request, language: str, next: str = "/") -> Response:
    """Only a cookie changes: a plain link is enough, and no record is touched."""
    response = redirect(safe_next(next))
    if language in LANGUAGES:
        set_cookie(response, request, LANG_COOKIE, language, max_age=365 * 86400, http_only=False)
    return response
