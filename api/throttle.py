"""Back-off for failed authentication, per client address, so tokens cannot be guessed at network speed.

``FREE_FAILURES`` wrong tokens within ``WINDOW`` are answered as usual (401); every further one blocks the
address for twice as long as the one before (1 s, 2 s, 4 s … at most ``MAX_BLOCK``), and while blocked every
request from it that carries a token gets 429 with ``Retry-After`` without the token being looked at. A
success does not clear the count, so a valid token cannot be used to reset it. The state is per process:
with N web workers an address gets at most N times the allowance, still far below a guessing rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_FAILURES = 10
WINDOW = 60.0           # seconds over which failures are counted
MAX_BLOCK = 300.0       # seconds
MAX_ADDRESSES = 10_000  # the table is pruned beyond this, oldest first


@dataclass
class _Record:
    failures: int = 0
    first_at: float = 0.0
    blocked_until: float = 0.0


class AuthThrottle:
    """Thread-safe; ``clock`` and the allowance are injectable so tests need not sleep nor be blocked."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, free_failures: int = FREE_FAILURES) -> None:
        self._clock = clock
        self._free = free_failures
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int:
        """Seconds until ``address`` may try again; 0 when it may now."""
        with self._lock:
            record = self._records.get(address)
            wait = record.blocked_until - self._clock() if record else 0.0
        return math.ceil(wait) if wait > 0 else 0

    def failed(self, address: str) -> None:
        now = self._clock()
        with self._lock:
            record = self._records.get(address)
            if record is None or now - record.first_at > max(WINDOW, record.blocked_until - record.first_at):
                record = self._records[address] = _Record(first_at=now)
            record.failures += 1
            excess = record.failures - self._free
            if excess > 0:
                record.blocked_until = now + min(2.0 ** (excess - 1), MAX_BLOCK)
            if len(self._records) > MAX_ADDRESSES:
                oldest = sorted(self._records, key=lambda key: self._records[key].first_at)
                for key in oldest[: len(oldest) // 10]:
                    del self._records[key]
