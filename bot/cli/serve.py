"""``anju serve``: the API, the scheduler and (with a token) the Telegram bot in one process."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from api import bootstrap
from api import db as database
from api.db import transaction
from api.models import Area, AreaLevel, Role, User
from api.services.users import create_user
from api.settings import InsecureSettings, get_settings

if TYPE_CHECKING:
    from api.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser("serve", help="start the API, the scheduler and the bots")
    serve.add_argument("--host", default=None, help="listen address (default from ANJU_API_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port (default from ANJU_API_PORT)")
    serve.add_argument("--no-scheduler", action="store_true", help="serve requests only (extra workers)")
    serve.add_argument("--workers", type=int, default=1,
                       help="web worker processes (PostgreSQL; about one per core — SQLite is fastest with one)")
    serve.set_defaults(func=_serve)


def _serve(args: argparse.Namespace) -> int:
    # Here rather than above: every `anju` command imports this module, and the web app with its routes, the
    # server and APScheduler add 3.1 s to `anju ask` (python -X importtime; docs/ARCHITECTURE.md).
    import uvicorn

    from api.app import create_app
    from bot.cli.scheduler import build_scheduler, try_become_leader

    configure_logging()
    settings = get_settings()
    try:
        settings.check_production_secrets()
    except InsecureSettings as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    refusal = _workers_refusal(args.workers, settings)
    if refusal:
        print(refusal)
        return 2
    engine = database.get_engine()
    bootstrap.prepare_database(engine)
    host, port = args.host or settings.api_host, args.port or settings.api_port

    scheduler = None
    if not args.no_scheduler:
        try:
            leader_connection = try_become_leader(engine)
        except LookupError:
            logging.getLogger(__name__).info("another process runs the scheduler; serving requests only")
        else:
            scheduler = build_scheduler(engine, settings.timezone)
            scheduler.start()
            scheduler.leader_connection = leader_connection  # type: ignore[attr-defined]  (keeps the lock)

    print(f"安居 Anju is running on {engine.url.render_as_string(hide_password=True)}")
    if settings.development:
        print("  Mode:      development (placeholder secrets allowed; for production set ANJU_DATABASE_URL "
              "or ANJU_ENVIRONMENT=production and real secrets)")
    else:
        print(f"  Mode:      {settings.environment or 'production'}")
    print(f"  Console:   http://{host}:{port}/   (public notice board: /board)")
    _first_admin(engine)
    print(f"  API docs:  http://{host}:{port}/docs")
    print('  Chat:      anju chat --county 山阴县      (or: anju ask --county 140621 "公示几天")')
    print("  Staff token: anju token create --area 140621 --role admin --name 管理员")
    print(f"  SMS:       gateway {settings.sms_gateway}; callbacks at /sms/inbound, /sms/twilio")
    if settings.telegram_token is not None:   # started and stopped with the app (api/routes/telegram.py)
        mode = f"webhook {settings.telegram_webhook_url}" if settings.telegram_webhook_url else "long polling"
        print(f"  Telegram:  {mode}")
    previous = _return_on_sigterm()
    try:
        if args.workers > 1:   # each worker process builds its own app and engine from the same settings
            print(f"  Workers:   {args.workers} processes")
            uvicorn.run("api.app:create_app", factory=True, workers=args.workers, host=host, port=port,
                        log_level="info")
        else:
            uvicorn.run(create_app(engine), host=host, port=port, log_level="info")
    finally:
        signal.signal(signal.SIGTERM, previous)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    print("安居 Anju stopped")
    return 0


def _return_on_sigterm() -> Any:
    """uvicorn shuts down gracefully on SIGTERM (lifespan: the bots stop), then raises the signal again for the
    handler it found. Python's default one would kill the process there — exit status -15, the scheduler never
    stopped; this one lets ``uvicorn.run`` return, so ``anju serve`` stops the scheduler and exits 0."""
    return signal.signal(signal.SIGTERM, lambda _signum, _frame: None)


# apscheduler and httpx: a line per job run / per Telegram poll, every few seconds at INFO; alembic: a dozen lines
# of plugin set-up and one per migration on a first start, which api.db.upgrade sums up in one line of its own
QUIET_LOGGERS = ("apscheduler", "httpx", "alembic")


def configure_logging() -> None:
    """INFO for the service's own news; the scheduler's and the HTTP client's routine chatter only from WARNING."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _workers_refusal(workers: int, settings: Settings) -> str | None:
    """Why ``--workers`` cannot be honoured, or None. Long polling allows one poller per bot token, and every
    worker process would start one; a webhook is an ordinary route, served by whichever worker."""
    if workers < 1:
        return "--workers must be at least 1"
    if workers > 1 and settings.telegram_token is not None and not settings.telegram_webhook_url:
        return ("Telegram long polling runs in one process only: set ANJU_TELEGRAM_WEBHOOK_URL to use "
                "--workers, or run one worker")
    return None


def _first_admin(engine) -> None:  # type: ignore[no-untyped-def]
    """On a fresh install (no console login yet) make one county admin and print its one-time password."""
    from api.services import accounts  # argon2: +330 ms on every `anju` start if imported above

    with transaction(engine) as session:
        if session.scalar(select(User.id).where(User.password_hash.is_not(None)).limit(1)) is not None:
            print("  Sign in:   with your login; an admin resets passwords (or: anju user create --admin)")
            return
        county = session.scalars(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code)).first()
        if county is None:
            return
        user = session.scalar(select(User).where(User.login == "admin"))
        if user is None:
            user = create_user(session, name="管理员", role=Role.admin, area=county, by="system:first-start")
            accounts.set_login(session, user, "admin", by="system:first-start")
        password = accounts.new_password()
        accounts.set_password(session, user, password, by="system:first-start")
    print(f"  Sign in:   login admin, one-time password {password}  (admin of {county.name}; "
          "make users for other counties in the console or with anju user create)")
