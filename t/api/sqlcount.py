"""Counting the SQL statements a request costs: a second httpd on the same
database whose PostgreSQL sessions log every statement they run."""

import pathlib
import re
import shutil
import os

import pytest

from conftest import start_server

# what a session runs, not counting what a new connection runs first
# (its PREPAREs and the SETs of DBDInitSQL)
STATEMENT = re.compile(r"LOG:  (?:statement: (?!PREPARE |SET )|execute [^:]*: )")


class _LoggedPostgres:
    """The test cluster, but sessions opened with log_statement=all."""

    def __init__(self, pg):
        self._pg = pg
        self.main_dsn = pg.main_dsn + " options=-clog_statement=all"

    def __getattr__(self, name):
        return getattr(self._pg, name)


@pytest.fixture(scope="module")
def counting_server(server):
    pg = server.pg
    pg.psql("GRANT SET ON PARAMETER log_statement TO testobserver", dbname="postgres", user="postgres")
    srv = start_server(_LoggedPostgres(pg))
    srv.admin_key = server.admin_key
    yield srv
    srv.stop()
    if not os.environ.get("TO_KEEP_TMP"):
        shutil.rmtree(srv.root, ignore_errors=True)


def statements(srv, call):
    """Runs call() and returns (its result, how many statements PostgreSQL
    ran meanwhile)."""
    log = pathlib.Path(srv.pg.root) / "postgresql.log"
    before = log.stat().st_size
    result = call()
    with log.open("rb") as f:
        f.seek(before)
        text = f.read().decode(errors="replace")
    return result, len(STATEMENT.findall(text))
