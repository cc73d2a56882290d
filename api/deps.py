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


def commit_now(session: Session) -> None:
    """Commit the request's unit of work here, in the route's own thread, rather than in ``get_session``'s exit.

    That exit runs after a hop back through the event loop and into the thread pool again; on a busy worker the
    hop takes milliseconds, and every row lock the transaction holds (a county's number counter, taken by every
    filing) is held across it. For the hot write paths the route commits as its last step and builds the answer
    from the committed rows; the dependency's exit then finds nothing left to do.
    """
    session.commit()
