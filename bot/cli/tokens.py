"""``anju token create|rotate|revoke|list``: API tokens for committee and township staff, printed once.

Tokens expire (``--days``, default 90); ``rotate`` prints a successor and revokes the old one; ``list`` shows
each token's expiry and last use. Issue, rotation and revocation are in the audit log.
"""

from __future__ import annotations

import argparse

from sqlalchemy import select

from api.domain.errors import ValidationFailed
from api.models import ApiToken, Role, User
from api.services.areas import resolve_area
from api.services.users import DEFAULT_TOKEN_DAYS, create_user, issue_token, revoke_token, rotate_token
from bot.cli.records import cli_actor, records


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    token = subparsers.add_parser("token", help="API tokens for staff")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create a user (or reuse one by name) and print a new token")
    create.add_argument("--area", required=True,
                        help="area id, 6/12-digit code, or path like '山阴县/古城镇/东村'")
    create.add_argument("--role", default="clerk", help="viewer, clerk, reviewer or admin (default clerk)")
    create.add_argument("--name", required=True, help="the staff member's name, e.g. 张三")
    create.add_argument("--label", default="", help="a note on where the token is used")
    create.add_argument("--days", type=int, default=None, help="days until the token expires (default 90)")
    create.set_defaults(func=_create)
    rotate = token_sub.add_parser("rotate", help="print a new token for the same user and revoke this one")
    rotate.add_argument("token_id", type=int)
    rotate.add_argument("--days", type=int, default=None, help="days until the new token expires (default 90)")
    rotate.set_defaults(func=_rotate)
    revoke = token_sub.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id", type=int)
    revoke.set_defaults(func=_revoke)
    listing = token_sub.add_parser("list", help="every token: user, expiry, last use, revoked")
    listing.set_defaults(func=_list)


def _create(args: argparse.Namespace) -> int:
    try:
        role = Role(args.role)
    except ValueError:
        raise ValidationFailed(f"--role 须为 {'/'.join(Role)} / unknown role {args.role!r}") from None
    with records() as session:
        area = resolve_area(session, args.area)
        user = session.scalar(select(User).where(User.name == args.name.strip(), User.area_id == area.id,
                                                 User.role == role, User.active.is_(True)))
        if user is None:
            user = create_user(session, name=args.name, role=role, area=area, by=cli_actor())
        token = issue_token(session, user, label=args.label, by=cli_actor(), days=args.days)
        where = f"{area.level.value} {area.name} (id {area.id})"
    print(f"user {user.id} {user.name}, role {user.role.value}, area {where}")
    print(f"expires after {args.days or DEFAULT_TOKEN_DAYS} days; renew with `anju token rotate`")
    print("令牌只显示这一次，请妥善保存 / the token is shown only once:")
    print(token)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    with records() as session:
        row = revoke_token(session, args.token_id, by=cli_actor())
        print(f"token {row.id} revoked at {row.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
    return 0


def _rotate(args: argparse.Namespace) -> int:
    with records() as session:
        token, row = rotate_token(session, args.token_id, by=cli_actor(), days=args.days)
        assert row.expires_at is not None
        print(f"token {args.token_id} revoked; its successor is token {row.id}, "
              f"valid until {row.expires_at:%Y-%m-%d %H:%M} UTC")
    print("令牌只显示这一次，请妥善保存 / the token is shown only once:")
    print(token)
    return 0


def _list(_args: argparse.Namespace) -> int:


    def when(moment: object) -> str:
        return f"{moment:%Y-%m-%d %H:%M}" if moment else "-"

    with records() as session:
        rows = list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
        print("id  user  role  label  created  expires  last used  revoked (UTC)")
        for row in rows:
            print(f"{row.id}  {row.user_id} {row.user.name}  {row.user.role.value}  {row.label or '-'}  "
                  f"{when(row.created_at)}  {when(row.expires_at)}  {when(row.last_used_at)}  {when(row.revoked_at)}")
    return 0
