"""What every console page shares: templates in the reader's language, the signed-in user, CSRF, HTML errors.

Pages are rendered on the server (Jinja2); message ids are the Chinese texts of the bot's catalogues
(locales/, ``_()`` in templates). A domain error never becomes JSON or a stack trace here: a form shows it next
to its field, a page shows an error page with the same Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Coroutine, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from api.clock import local_today
from api.db import transaction
from api.deps import SessionDep
from api.domain.errors import DomainError
from api.i18n import DEFAULT_LANGUAGE, LANGUAGES, canonical_language, language_name, translator
from api.models import ApplicationState, User
from api.models._types import utcnow
from api.services import accounts
from api.services.scope import Actor

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
SESSION_COOKIE = "anju_session"
LANG_COOKIE = "anju_lang"
PRE_CSRF_COOKIE = "anju_csrf"   # the sign-in form's token, before there is a session to hold one
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def N_(message: str) -> str:
    return message


STATE_NAMES: dict[ApplicationState, str] = {
    ApplicationState.submitted: N_("已申请"), ApplicationState.village_review: N_("村级评议"),
    ApplicationState.village_publicity: N_("村级公示"), ApplicationState.township_review: N_("乡镇审核"),
    ApplicationState.township_publicity: N_("乡镇公示"), ApplicationState.department_check: N_("部门审查"),
    ApplicationState.appraisal: N_("危房鉴定"), ApplicationState.approved: N_("县级审批通过"),
    ApplicationState.agreement_signed: N_("已签协议"), ApplicationState.under_construction: N_("施工中"),
    ApplicationState.completed: N_("已竣工"), ApplicationState.accepted: N_("已验收"),
    ApplicationState.paid: N_("已拨付"), ApplicationState.archived: N_("已归档"),
    ApplicationState.rejected: N_("未通过"), ApplicationState.withdrawn: N_("已撤回"),
    ApplicationState.deferred: N_("延至下一年度"), ApplicationState.rectification: N_("整改中"),
}


def language_of(request: Request) -> str:
    chosen = canonical_language(request.cookies.get(LANG_COOKIE))
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Staff:
    """The signed-in staff member: the same ``Actor`` the API builds from a token, plus the form token."""

    user: User
    actor: Actor
    csrf: str

    @property
    def is_admin(self) -> bool:
        return self.actor.role.value == "admin"


def actor_for(user: User) -> Actor:
    area = user.area
    return Actor(user_id=user.id, name=user.name, role=user.role, area_id=area.id, level=area.level,
                 county_code=area.county_code)


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int | None = None,
               http_only: bool = True) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=http_only, samesite="lax",
                        secure=secure(request), path="/")


def _sign_in_redirect(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")

    return HTTPException(status_code=303, headers={"Location": f"/login?next={quote(target, safe='')}"})


def current_staff(request: Request, session: SessionDep) -> Staff:
    """The signed-in user, or a redirect to the sign-in page."""
    row = accounts.find_session(session, request.cookies.get(SESSION_COOKIE, ""), utcnow())
    if row is None:
        raise _sign_in_redirect(request)
    return Staff(user=row.user, actor=actor_for(row.user), csrf=row.csrf)


StaffDep = Annotated[Staff, Depends(current_staff)]


class CsrfRejected(DomainError):
    http_status = 403
    default_code = "csrf"


def check_csrf(staff: Staff, token: str) -> None:
    if not token or not secrets.compare_digest(token, staff.csrf):
        raise CsrfRejected("表单已过期，请刷新页面后重试 / the form expired: reload the page and try again",
                           field="csrf")


def posting_staff(staff: StaffDep, csrf: Annotated[str, Form()] = "") -> Staff:
    """For every state-changing request: the signed-in user, whose form carried the session's CSRF token."""
    check_csrf(staff, csrf)
    return staff


PostingStaff = Annotated[Staff, Depends(posting_staff)]


def in_language(message: str, language: str) -> str:
    """A service's "中文 / English" message in the reader's language: the Chinese half, the English half, or
    both for Korean readers (the services write no Korean)."""
    chinese, sep, english = message.partition(" / ")
    if not sep or language == "ko":
        return message
    return english if language == "en" else chinese


def field_errors(exc: DomainError, language: str) -> dict[str, str]:
    """The message under its field (``evidence.survey_date``, ``contacts.0.phone`` …), without the field name."""
    message = re.sub(r"^[\w.]+: ", "", exc.message)
    return {exc.field or "_form": in_language(message, language)}


def render(request: Request, name: str, context: Mapping[str, Any] | None = None, *,
           staff: Staff | None = None, status: int = 200) -> Response:
    language = language_of(request)
    gettext = translator(language)
    values: dict[str, Any] = {
        "request": request, "_": gettext, "lang": language, "languages": [(c, language_name(c)) for c in LANGUAGES],
        "staff": staff, "csrf": staff.csrf if staff else "", "state_name": lambda s: gettext(STATE_NAMES[s]),
        "today": _today(), "errors": {}, "form": {}, "msg": lambda m: in_language(m, language),
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, name, values, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def _today() -> dt.date:
    return local_today()


def unit(request: Request) -> AbstractContextManager[Session]:
    """The write of a form: its own transaction, so a refused change is rolled back whole while the page
    around the form is still rendered from the request's session."""
    return transaction(request.app.state.engine)


def form_error(request: Request, name: str, exc: DomainError, context: Mapping[str, Any],
               staff: Staff | None) -> Response:
    """Show the form again with the message next to its field (the write was already rolled back)."""
    errors = field_errors(exc, language_of(request))
    return render(request, name, {**context, "errors": errors}, staff=staff, status=exc.http_status)


def redirect(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url, **SECURITY_HEADERS})


class ConsoleRoute(APIRoute):
    """Errors a page did not handle itself become an HTML page in the reader's language, never JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                message = in_language(exc.message, language_of(request))
                return render(request, "error.html", {"message": message}, status=exc.http_status)
            except RequestValidationError:
                return render(request, "error.html", {"message": translator(language_of(request))(
                    "页面不存在或地址有误")}, status=404)

        return route
