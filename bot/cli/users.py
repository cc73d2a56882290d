"""``anju user list|contact``: staff users and where their reminders go (admin, on the server)."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from api.domain.errors import NotFound
from api.models import Area, AreaLevel, Role, User
from api.services.areas import resolve_area
from api.services.user_contacts import contact_of, set_contact
from api.services.users import create_user
from bot.cli.records import cli_actor, records


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = subparsers.add_parser("user", help="staff users and their contact for reminders")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    listing = user_sub.add_parser("list", help="users (id, name, role, area, contact)")
    listing.add_argument("--area", help="only this area: id, code, or path like '山阴县/古城镇'")
    listing.set_defaults(func=_list)
    contact = user_sub.add_parser("contact", help="set a user's phone, Telegram chat, language, reminders on/off")
    contact.add_argument("user_id", type=int)
    contact.add_argument("--phone", help="mobile number for SMS reminders ('' clears it)")
    contact.add_argument("--telegram", dest="telegram_chat_id", help="Telegram chat id ('' clears it)")
    contact.add_argument("--language", help="zh_Hans, ko or en ('' for the default)")
    switch = contact.add_mutually_exclusive_group()
    switch.add_argument("--on", dest="notifications_on", action="store_const", const=True,
                        help="send reminders (the default for a new user)")
    switch.add_argument("--off", dest="notifications_on", action="store_const", const=False,
                        help="send no reminders; queued ones are cancelled")
    contact.set_defaults(func=_contact)
    create = user_sub.add_parser("create", help="a console user with a login and a one-time password")
    create.add_argument("--login", default="admin", help="sign-in name (default admin)")
    create.add_argument("--name", default="管理员", help="the staff member's name")
    create.add_argument("--area", default=None, help="area id, code or path (default: the first county)")
    create.add_argument("--role", default="clerk", help="viewer, clerk, reviewer or admin")
    create.add_argument("--admin", action="store_true", help="same as --role admin")
    create.set_defaults(func=_create)


def _list(args: argparse.Namespace) -> int:


    with records() as session:
        query = select(User).order_by(User.id)
        if args.area:
            query = query.where(User.area_id == resolve_area(session, args.area).id)
        for user in session.scalars(query):
            c = contact_of(user)
            print(f"{user.id}\t{user.name}\t{user.role.value}\t{user.area.level.value} {user.area.name}"
                  f"\t{'active' if user.active else 'inactive'}\tphone {c['phone'] or '-'}"
                  f"\ttelegram {c['telegram_chat_id'] or '-'}\t{c['language'] or '-'}"
                  f"\treminders {'on' if c['notifications_on'] else 'off'}")
    return 0


def _contact(args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in ("phone", "telegram_chat_id", "language", "notifications_on")
               if getattr(args, name) is not None}
    with records() as session:
        user = session.get(User, args.user_id)
        if user is None:
            raise NotFound(f"用户 {args.user_id} 不存在 / user not found", field="user_id")
        set_contact(session, user, **changes, by=cli_actor())
        print(f"user {user.id} {user.name}: {contact_of(user)}")
    return 0


def _create(args: argparse.Namespace) -> int:
    from api.services import accounts  # argon2: +330 ms on every `anju` start if imported above

    with records() as session:
        if args.area:
            area = resolve_area(session, args.area)
        else:
            area = session.scalars(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code)).first()
        login = accounts.normal_login(args.login)
        user = session.scalar(select(User).where(User.login == login))
        if user is None:
            role = Role.admin if args.admin else Role(args.role)
            user = create_user(session, name=args.name, role=role, area=area, by=cli_actor())
            accounts.set_login(session, user, login, by=cli_actor())
        password = accounts.new_password()
        accounts.set_password(session, user, password, by=cli_actor())
        print(f"user {user.id} {user.name}, role {user.role.value}, area {user.area.name}")
    print("登录名 / login:    " + login)
    print("一次性密码 / one-time password (shown only once): " + password)
    return 0
