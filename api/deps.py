"""FastAPI dependencies shared by the routes: the per-request unit of work."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from api.db import transaction


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises."""
    with transaction(request.app.state.engine) as session:
        yield session
