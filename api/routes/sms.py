"""SMS gateway callbacks: inbound messages and delivery receipts, generic (HMAC JSON) and Twilio (form).

Every callback's signature is checked before anything else: a bad or missing one gets 403 and changes nothing.
A callback that can never succeed (no sender, a sender no phone number looks like) gets 400 with the reason:
final, never to be retried; only a 5xx or no answer means "try again".
The gateway gets its answer as soon as the message and its replies are committed — callbacks that arrive
together are committed together (group commit) — and sending happens after the response (a background
task), so a slow gateway never holds up the next callback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from api.db import transaction
from api.delivery.senders import SmsSender, build_sender
from api.delivery.signature import HEADER, verify, verify_twilio
from api.delivery.sms import apply_receipt, deliver
from api.settings import Settings, get_settings
from bot.channels.batcher import GroupCommit
from bot.channels.sms.handler import handle_sms, handle_sms_batch
from bot.channels.sms.inbound import MalformedCallback, SmsIn, parse_generic, parse_twilio

log = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The configured gateway, built at start-up: a misconfiguration stops the server, not a reply."""
    sender = app.state.sms_sender = build_sender(get_settings())
    try:
        yield
    finally:
        sender.close()


router = APIRouter(prefix="/sms", tags=["sms"], lifespan=lifespan)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _forbidden() -> Response:
    return Response(status_code=403)


def _sender(request: Request, settings: Settings) -> SmsSender:
    """Built once per app: the HTTP gateway keeps its connection pool between callbacks."""
    sender = getattr(request.app.state, "sms_sender", None)
    if sender is None:
        sender = request.app.state.sms_sender = build_sender(settings)
    return sender


def _group_commit(request: Request, settings: Settings) -> GroupCommit[SmsIn, list[int]]:
    """One per app: callbacks that arrive together share a transaction (see bot.channels.batcher)."""
    batcher = getattr(request.app.state, "sms_batcher", None)
    if batcher is None:
        engine, sender = request.app.state.engine, _sender(request, settings)
        batcher = request.app.state.sms_batcher = GroupCommit(
            lambda batch: handle_sms_batch(engine, batch, settings, None, sender),
            lambda sms: handle_sms(engine, sms, settings, None, sender))
    return batcher


async def _accept(request: Request, background: BackgroundTasks, sms: SmsIn, settings: Settings) -> None:
    ids = await _group_commit(request, settings).submit(sms)
    if ids:
        engine, sender = request.app.state.engine, _sender(request, settings)
        background.add_task(deliver, engine, ids, sender, settings)


@router.post("/inbound", status_code=200, response_class=Response)
async def generic_inbound(request: Request, background: BackgroundTasks) -> Response:
    """``{message_id, from, to, text, received_at}`` signed with ``X-Anju-Signature: sha256=<hex>``."""
    settings = get_settings()
    body = await request.body()
    if not verify(settings.sms_hmac_secret.get_secret_value(), body, request.headers.get(HEADER)):
        return _forbidden()
    try:
        sms = parse_generic(json.loads(body))
    except (ValueError, MalformedCallback) as exc:
        return Response(content=str(exc), status_code=400, media_type="text/plain")
    await _accept(request, background, sms, settings)
    return Response(status_code=200)


@router.post("/twilio", status_code=200, response_class=Response)
async def twilio_inbound(request: Request, background: BackgroundTasks) -> Response:
    """Twilio's messaging webhook; replies go out through the configured sender, so the TwiML is empty."""
    settings = get_settings()
    form = await _twilio_form(request, settings)
    if form is None:
        return _forbidden()
    try:
        sms = parse_twilio(form)
    except MalformedCallback as exc:
        return Response(content=str(exc), status_code=400, media_type="text/plain")
    await _accept(request, background, sms, settings)
    return Response(content=EMPTY_TWIML, media_type="application/xml")


@router.post("/status", status_code=200, response_class=Response)
async def generic_status(request: Request) -> Response:
    """A delivery receipt ``{message_id, status, error}``, signed like inbound callbacks."""
    settings = get_settings()
    body = await request.body()
    if not verify(settings.sms_hmac_secret.get_secret_value(), body, request.headers.get(HEADER)):
        return _forbidden()
    try:
        payload: Any = json.loads(body)
        gateway_id, status = str(payload["message_id"]), str(payload["status"])
    except (ValueError, KeyError, TypeError):
        return Response(content="message_id and status are required", status_code=400,
                        media_type="text/plain")
    error = payload.get("error")
    await run_in_threadpool(_receipt, request, gateway_id, status, str(error) if error else None)
    return Response(status_code=200)


@router.post("/twilio/status", status_code=200, response_class=Response)
async def twilio_status(request: Request) -> Response:
    settings = get_settings()
    form = await _twilio_form(request, settings)
    if form is None:
        return _forbidden()
    gateway_id, status = form.get("MessageSid"), form.get("MessageStatus")
    if not gateway_id or not status:
        return Response(content="MessageSid and MessageStatus are required", status_code=400,
                        media_type="text/plain")
    error = form.get("ErrorCode")
    await run_in_threadpool(_receipt, request, gateway_id, status, f"twilio error {error}" if error else None)
    return Response(status_code=200)


async def _twilio_form(request: Request, settings: Settings) -> dict[str, str] | None:
    """The form, or None when Twilio's signature over (public URL + parameters) does not match."""
    token = settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else ""
    form = {key: str(value) for key, value in (await request.form()).items()}
    url = str(request.url)
    if settings.twilio_public_url:
        url = settings.twilio_public_url.rstrip("/") + request.url.path
        if request.url.query:
            url += "?" + request.url.query
    if not verify_twilio(token, url, form, request.headers.get("X-Twilio-Signature")):
        return None
    return form


def _receipt(request: Request, gateway_id: str, status: str, error: str | None) -> None:
    """Unknown ids are acknowledged too: a gateway retries anything but 2xx, forever."""
    with transaction(request.app.state.engine) as session:
        if not apply_receipt(session, gateway_id, status, error):
            log.info("receipt %s for message %s changed nothing", status, gateway_id)
