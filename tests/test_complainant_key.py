"""An anonymous complainant is a keyed hash (api/services/pseudonyms.py): not the plain SHA-256 of their phone,
still enough to merge a repeat, count the daily cap and find their complaint again."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from sqlalchemy.orm import Session
from test_complaints import NOW, filed
from test_households import build_world

from api.domain.errors import Conflict
from api.services import complaints as svc
from api.services.pseudonyms import complainant_key, sender_key
from api.settings import Settings, get_settings

PHONE = "13912345678"


def test_stored_value_is_keyed_not_the_plain_sha256_of_the_phone(session: Session,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJU_COMPLAINANT_KEY", "a-key-the-database-never-sees-0123")
    get_settings.cache_clear()
    complaint = filed(session, build_world(session), sender=PHONE, anonymous=True)
    stored = complaint.sender_key
    plain = {hashlib.sha256(v.encode()).hexdigest() for v in (PHONE, f"sms:{PHONE}", f"sms{PHONE}")}
    assert stored not in plain and complaint.sender is None and complaint.contact_phone is None
    inner = hashlib.sha256(f"sms:{PHONE}".encode()).hexdigest()
    expected = hmac.new(b"a-key-the-database-never-sees-0123", inner.encode(), hashlib.sha256).hexdigest()
    assert stored == expected and len(stored) == 64
    # Another key, another value: the hash cannot be recomputed from the phone alone.
    other = Settings(complainant_key="another-key-entirely-456789")  # type: ignore[arg-type]
    assert sender_key("sms", PHONE, other) != stored


def test_the_keyed_hash_still_merges_caps_and_finds_the_sender(session: Session) -> None:
    world = build_world(session)
    first = filed(session, world, sender=PHONE, anonymous=True)
    again, merged = svc.file_complaint(
        session, county_code="140621", category=first.category, village_id=world.village.id,
        subject=first.subject, text=first.text, channel="sms", sender=PHONE, contact_phone=None, anonymous=True,
        now=NOW)
    assert merged and again.id == first.id and first.repeats == 1
    assert svc.for_sender(session, first.number, "sms", PHONE) is first
    assert svc.for_sender(session, first.number, "sms", "13900000000") is None
    for n in range(svc.MAX_PER_DAY - 1):
        filed(session, world, sender=PHONE, anonymous=True, text=f"另一件事 {n}")
    with pytest.raises(Conflict):
        filed(session, world, sender=PHONE, anonymous=True, text="第六件")


@pytest.mark.parametrize("key", ["dev-only-complainant-key", "short"])
def test_outside_development_the_default_or_a_short_key_is_refused(key: str) -> None:
    settings = Settings(environment="production", complainant_key=key,  # type: ignore[arg-type]
                        sms_hmac_secret="a-real-sms-secret-0123456789")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="ANJU_COMPLAINANT_KEY"):
        complainant_key(settings)
    assert complainant_key(Settings(environment="development", complainant_key=key)) == key.encode()  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["dev-only-complainant-key", "short"])
def test_production_start_refuses_the_development_key(key: str) -> None:
    settings = Settings(environment="production", complainant_key=key,  # type: ignore[arg-type]
                        sms_hmac_secret="a-real-sms-secret-0123456789")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="ANJU_COMPLAINANT_KEY"):
        settings.check_production_secrets()
