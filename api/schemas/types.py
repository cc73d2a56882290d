"""Bounds of the API's input, declared once: whatever the columns hold, so input beyond them is a 422, not a 500.

Ids are INTEGER columns (32-bit on PostgreSQL): an id above 2³¹−1 names no record and would make PostgreSQL
fail the query. Routes and schemas take ``Id``/``Offset``/``Limit`` instead of a bare ``int``, and
``tests/test_input_bounds.py`` walks the OpenAPI document to check that every id and string in it is bounded.
"""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le

MAX_ID = 2**31 - 1

Id = Annotated[int, Ge(1), Le(MAX_ID)]
"""A record's id: 1 … 2³¹−1, the range of an INTEGER primary key on every backend we support."""

Offset = Annotated[int, Ge(0), Le(MAX_ID)]
Limit = Annotated[int, Ge(1), Le(200)]
