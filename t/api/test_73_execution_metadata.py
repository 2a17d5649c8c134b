"""GET /v1/execution-metadata: every category with its values, in the order
they were first stored; the exchange of 03-results-and-executions.txt.

Fixtures from conftest.py: api, anon, client_with, server, repo.
"""

import pytest

from test_72_search import build_scenario, patch, read_exchanges, replay, start


def test_empty(api):
    r = api.get("/v1/execution-metadata")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"execution_metadata": {}}


def test_exchange(api, server, repo):
    ids = build_scenario(api, server.pg)
    (exchange,) = read_exchanges(
        repo.parent / "shared/reference/exchanges/03-results-and-executions.txt",
        ("GET /v1/execution-metadata",))
    replay(api, exchange, ids)


def test_grouped_in_order_of_first_appearance(api):
    te1 = start(api, family="snap", name="m", version="1", revision=1, track="latest",
                store="ubuntu", arch="amd64", execution_stage="edge", environment="e",
                test_plan="p", ci_link="https://ci.example.com/1")
    te2 = start(api, family="snap", name="m", version="2", revision=2, track="latest",
                store="ubuntu", arch="amd64", execution_stage="edge", environment="e",
                test_plan="p", ci_link="https://ci.example.com/2")
    patch(api, te1, execution_metadata={"category1": ["value1", "value2"],
                                        "category2": ["value1"]})
    patch(api, te1, execution_metadata={"category2": ["value2"], "category3": ["value1",
                                                                               "value2"]})
    # values already known are not repeated
    patch(api, te2, execution_metadata={"category3": ["value2"], "category1": ["value1"]})
    r = api.get("/v1/execution-metadata")
    body = r.json()
    assert body == {"execution_metadata": {"category1": ["value1", "value2"],
                                           "category2": ["value1", "value2"],
                                           "category3": ["value1", "value2"]}}
    assert list(body["execution_metadata"]) == ["category1", "category2", "category3"]


def test_values_in_storage_order(api, server):
    server.pg.psql("INSERT INTO test_execution_metadata (category, value, created_at, updated_at)"
                   " VALUES ('b', 'z', now(), now()), ('a', 'y', now(), now()),"
                   " ('b', 'a', now(), now()), ('a \"q\"', '\\\\', now(), now())")
    assert api.get("/v1/execution-metadata").json() == {
        "execution_metadata": {"b": ["z", "a"], "a": ["y"], 'a "q"': ["\\\\"]}}


@pytest.mark.parametrize("perms, status", [(("view_test",), 200), ((), 403),
                                           (("view_artefact", "change_test"), 403)])
def test_permissions(client_with, perms, status):
    r = client_with(*perms).get("/v1/execution-metadata")
    assert r.status_code == status
    if status == 403:
        assert r.json() == {"detail": "Insufficient permissions"}


def test_anonymous(anon):
    r = anon.get("/v1/execution-metadata")
    assert r.status_code == 403
