"""Benchmark of the archive-table export (004 附件2) for a whole county.

    python bench/export_bench.py                      # 30,000 applications on SQLite
    python bench/export_bench.py --rows 50000 --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Fills a fresh database (a temporary SQLite file, or a new PostgreSQL schema dropped afterwards) with one
county of ``--rows`` households and applications spread over 20 townships × 10 villages, then asks the app
in-process for ``archive.csv`` and ``archive.xlsx`` as the county, and reports time, size, rows and the
process's peak memory growth.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fill(url: str, rows: int) -> str:
    """The county's tree and ``rows`` households with one application each; returns a county token."""
    from sqlalchemy import insert, select

    import api.models  # noqa: F401
    from api.bootstrap import seed_counties
    from api.db import Base, make_engine, transaction
    from api.models import Application, ApplicationState, Area, FiledBy, Household, TargetCategory
    from api.services.areas import add_area
    from tests.factories import id_number, make_token

    engine = make_engine(url)
    Base.metadata.create_all(engine)
    seed_counties(engine)
    with transaction(engine) as session:
        county = session.scalar(select(Area).where(Area.code == "140621"))
        assert county is not None
        villages = []
        for t in range(20):
            township = add_area(session, county, f"第{t:02d}镇", by="bench")
            villages += [add_area(session, township, f"第{t:02d}镇{v}村", by="bench") for v in range(10)]
        token = make_token(session, county, "viewer")
        targets = [(v.id, v.township_id) for v in villages]
    batch = 5000
    for start in range(0, rows, batch):
        with transaction(engine) as session:
            count = min(batch, rows - start)
            households = [{"village_id": targets[(start + i) % len(targets)][0], "head_name": f"户主{start + i}",
                           "head_id_number": id_number(start + i), "phone": f"139{start + i:08d}",
                           "category": TargetCategory.dibao, "size": 3, "ethnicity": "汉族",
                           "house_built_year": 1980, "house_area_m2": 60.5, "house_structure": "土木"}
                          for i in range(count)]
            ids = session.scalars(insert(Household).returning(Household.id), households).all()
            session.execute(insert(Application), [
                {"number": f"140621-2021-{start + i:06d}", "household_id": hid,
                 "village_id": targets[(start + i) % len(targets)][0],
                 "township_id": targets[(start + i) % len(targets)][1], "county_code": "140621", "year": 2021,
                 "state": ApplicationState.paid, "filed_by": FiledBy.applicant, "reason": "C级危房",
                 "method": "修缮加固", "paid_amount_yuan": 14000, "version": 1}
                for i, hid in enumerate(ids)])
    engine.dispose()
    return token


def run(url: str, rows: int) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.db import make_engine

    started = time.perf_counter()
    token = _fill(url, rows)
    print(f"filled {rows} applications in {time.perf_counter() - started:.1f} s", flush=True)
    client = TestClient(create_app(make_engine(url)))
    headers = {"Authorization": f"Bearer {token}"}
    for suffix in ("csv", "xlsx"):
        before = _peak_mb()
        started = time.perf_counter()
        with client.stream("GET", f"/api/v1/exports/archive.{suffix}", headers=headers) as response:
            assert response.status_code == 200, response.read()[:300]
            first_byte = None
            buffer = io.BytesIO()
            for chunk in response.iter_bytes():
                first_byte = first_byte or time.perf_counter() - started
                buffer.write(chunk)
        seconds = time.perf_counter() - started
        data = buffer.getvalue()
        lines = (len(list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))) - 1) if suffix == "csv" else rows
        print(f"archive.{suffix:<4} {lines} rows  {len(data) / 2**20:6.1f} MB  {seconds:6.2f} s  "
              f"first byte {first_byte or 0:5.2f} s  peak memory +{_peak_mb() - before:.0f} MB", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=30000)
    parser.add_argument("--pg-url", default="", help="PostgreSQL URL; SQLite when omitted")
    args = parser.parse_args()
    if not args.pg_url:
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'export.db'}", args.rows)
        return 0
    from sqlalchemy import text

    from api.db import make_engine

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        run(f"{args.pg_url}?options=-csearch_path%3D{schema}", args.rows)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("ANJU_ENVIRONMENT", "development")
    raise SystemExit(main())
