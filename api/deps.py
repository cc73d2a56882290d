"""FastAPI dependencies shared by the routes: the per-request unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.db import transaction


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises."""
    with transaction(request.app.state.engine) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a client that got 201 can rely on the
# row being there, and a failing commit becomes an error response instead of a lost write after a success.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
