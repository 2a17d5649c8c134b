"""Database connections: a new one prepares the statements it runs, when it
first runs them, not the module's whole set (some 150 PREPAREs that held up
the first request of every new connection under load)."""

import pathlib
import re

from sqlcount import counting_server  # noqa: F401 (fixture)

PREPARE = re.compile(r"LOG:  statement: PREPARE (\w+)")


def test_new_connection_prepares_what_it_runs(counting_server):
    log = pathlib.Path(counting_server.pg.root) / "postgresql.log"
    before = log.stat().st_size
    # the server's first request: its thread opens a connection
    r = counting_server.client(counting_server.admin_key).get("/v1/test-executions/2147483000")
    assert r.status_code == 404
    with log.open("rb") as f:
        f.seek(before)
        text = f.read().decode(errors="replace")
    prepared = PREPARE.findall(text)
    # the key's lookup and the execution's answer, each once
    assert sorted(prepared) == ["auth_application", "te_get"]

    # the same statements again: nothing more is prepared on that connection
    before = log.stat().st_size
    for _ in range(3):
        assert counting_server.client(counting_server.admin_key).get(
            "/v1/test-executions/2147483000").status_code == 404
    with log.open("rb") as f:
        f.seek(before)
        again = PREPARE.findall(f.read().decode(errors="replace"))
    # other threads may open connections of their own, each preparing once
    assert len(again) % 2 == 0 and set(again) <= {"auth_application", "te_get"}
