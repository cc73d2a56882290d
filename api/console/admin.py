"""Admins: users of their area (create, reset a password, deactivate), API tokens, and staff contacts.

An admin manages only users whose area their own covers (the scope rule of every record); a password or token is
shown once, on the page that created it, and only its hash is kept.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy import select

from api.console.web import ConsoleRoute, PostingStaff, Staff, StaffDep, form_error, redirect, render, unit
from api.deps import SessionDep
from api.domain.errors import DomainError, Forbidden, NotFound
from api.i18n import LANGUAGES
from api.models import ApiToken, Area, Role, User
from api.services import accounts, audit
from api.services.households import scoped
from api.services.scope import visible_area
from api.services.user_contacts import contact_of, set_contact
from api.services.users import create_user, forget_tokens, issue_token, revoke_token

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def require_admin(staff: Staff) -> None:
    if staff.actor.role is not Role.admin:
        raise Forbidden("只有管理员可以管理用户 / only admins manage users", field="role")


def managed_user(session: Any, staff: Staff, user_id: int) -> User:
    require_admin(staff)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在 / user not found", field="user_id")
    try:
        visible_area(session, staff.actor, user.area_id)
    except NotFound:
        raise NotFound(f"用户 {user_id} 不存在 / user not found", field="user_id") from None
    return user


def _context(session: SessionDep, staff: Staff) -> dict[str, Any]:
    require_admin(staff)
    users = list(session.scalars(scoped(select(User).join(Area, Area.id == User.area_id), staff.actor, Area.id,
                                        Area.township_id, Area.county_code).order_by(User.id)))
    areas = list(session.scalars(scoped(select(Area), staff.actor, Area.id, Area.township_id, Area.county_code)
                                 .order_by(Area.level, Area.name)))
    tokens = list(session.scalars(select(ApiToken).where(ApiToken.user_id.in_([u.id for u in users]))
                                  .order_by(ApiToken.id))) if users else []
    return {"users": users, "areas": areas, "roles": list(Role), "tokens": tokens, "contact_of": contact_of,
            "languages_all": LANGUAGES}


@router.get("/users")
def users(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "users.html", _context(session, staff), staff=staff)


def _shown_once(request: Request, session: SessionDep, staff: Staff, **secret: Any) -> Response:
    return render(request, "users.html", {**_context(session, staff), **secret}, staff=staff)


@router.post("/users")
def create(request: Request, session: SessionDep, staff: PostingStaff, name: Annotated[str, Form()] = "",
           login: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "clerk",
           area_id: Annotated[str, Form()] = "") -> Response:
    form = {"name": name, "login": login, "role": role, "area_id": area_id}
    try:
        require_admin(staff)
        with unit(request) as write:
            area = visible_area(write, staff.actor, int(area_id) if area_id.isdigit() else 0)
            user = create_user(write, name=name, role=role, area=area, by=staff.actor.label)
            accounts.set_login(write, user, login, by=staff.actor.label)
            password = accounts.new_password()
            accounts.set_password(write, user, password, by=staff.actor.label)
            shown = {"login": user.login, "password": password, "name": user.name}
    except DomainError as exc:
        return form_error(request, "users.html", exc, {**_context(session, staff), "form": form}, staff)
    return _shown_once(request, session, staff, new_password=shown)


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: int, session: SessionDep, staff: PostingStaff) -> Response:
    with unit(request) as write:
        user = managed_user(write, staff, user_id)
        if user.login is None:
            accounts.set_login(write, user, f"user{user.id}", by=staff.actor.label)
        password = accounts.new_password()
        accounts.set_password(write, user, password, by=staff.actor.label)
        shown = {"login": user.login, "password": password, "name": user.name}
    return _shown_once(request, session, staff, new_password=shown)


@router.post("/users/{user_id}/active")
def set_active(request: Request, user_id: int, session: SessionDep, staff: PostingStaff,
               active: Annotated[str, Form()] = "0") -> Response:
    with unit(request) as write:
        user = managed_user(write, staff, user_id)
        if user.id == staff.user.id:
            raise Forbidden("不能停用自己的账号 / you cannot deactivate yourself", field="active")
        before = user.active
        user.active = active == "1"
        write.flush()
        forget_tokens(write)   # its API tokens stop at once in this process (api/services/users.py)
        audit.record(write, staff.actor.label, "user.active", "user", user.id, {"active": before},
                     {"active": user.active})
    return redirect("/users")


@router.post("/users/{user_id}/tokens")
def new_token(request: Request, user_id: int, session: SessionDep, staff: PostingStaff,
              label: Annotated[str, Form()] = "") -> Response:
    with unit(request) as write:
        user = managed_user(write, staff, user_id)
        token = issue_token(write, user, label=label, by=staff.actor.label)
        shown = {"name": user.name, "token": token}
    return _shown_once(request, session, staff, new_token=shown)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int, session: SessionDep, staff: PostingStaff) -> Response:
    with unit(request) as write:
        row = write.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"令牌 {token_id} 不存在 / token not found", field="token_id")
        managed_user(write, staff, row.user_id)
        revoke_token(write, token_id, by=staff.actor.label)
    return redirect("/users")


@router.post("/users/{user_id}/contact")
def contact(request: Request, user_id: int, session: SessionDep, staff: PostingStaff,
            phone: Annotated[str, Form()] = "", telegram_chat_id: Annotated[str, Form()] = "",
            language: Annotated[str, Form()] = "", notifications_on: Annotated[str, Form()] = "") -> Response:
    """An admin sets anyone's in their area; everyone may set their own (as ``PUT /api/v1/me/contact``)."""
    form = {"phone": phone, "telegram_chat_id": telegram_chat_id, "language": language, "user_id": str(user_id)}
    try:
        with unit(request) as write:
            user = write.get(User, user_id) if user_id == staff.user.id else managed_user(write, staff, user_id)
            assert user is not None
            changes: dict[str, Any] = {"telegram_chat_id": telegram_chat_id, "language": language,
                                       "notifications_on": notifications_on == "1"}
            if phone and "*" not in phone:   # a masked phone shown back is left as it is
                changes["phone"] = phone
            elif not phone:
                changes["phone"] = None
            set_contact(write, user, **changes, by=staff.actor.label)
    except DomainError as exc:
        if user_id == staff.user.id and staff.actor.role is not Role.admin:
            return form_error(request, "me.html", exc, {"form": form, "contact": contact_of(staff.user)}, staff)
        return form_error(request, "users.html", exc, {**_context(session, staff), "form": form}, staff)
    return redirect("/me" if user_id == staff.user.id else "/users")


@router.get("/me")
def me(request: Request, session: SessionDep, staff: StaffDep) -> Response:
    return render(request, "me.html", {"contact": contact_of(staff.user)}, staff=staff)
