"""The CI tutorial, end to end, as a CI job runs it: start-test, results in
batches, PATCH {"status": "COMPLETED"}, then what the dashboard reads."""

from helpers import DEB, JSON, SNAP, body, is_ts


def ci_job(client, start_body, batches):
    r = client.put("/v1/test-executions/start-test", json=start_body)
    assert r.status_code == 200, r.text
    te = r.json()["id"]
    for batch in batches:
        r = client.post(f"/v1/test-executions/{te}/test-results", json=batch)
        assert r.status_code == 200, r.text
        assert r.json() is None
    r = client.patch(f"/v1/test-executions/{te}", json={"status": "COMPLETED"})
    assert r.status_code == 200, r.text
    return te, r.json()


def dashboard(client, family, te):
    """The artefact listed for family and the execution te in its builds."""
    r = client.get("/v1/artefacts", params={"family": family})
    assert r.status_code == 200
    assert r.headers["content-type"] == JSON
    artefacts = r.json()
    assert len(artefacts) == 1
    artefact = artefacts[0]
    r = client.get(f"/v1/artefacts/{artefact['id']}/builds")
    assert r.status_code == 200
    builds = r.json()
    assert len(builds) == 1
    executions = [e for e in builds[0]["test_executions"] if e["id"] == te]
    assert len(executions) == 1
    return artefact, builds[0], executions[0]


def test_deb_job_with_a_failure(client_with):
    ci = client_with("change_test")
    reader = client_with("view_artefact", "view_test")
    start_body = body(DEB, name="hello", version="2.10-3ubuntu1", environment="lab-rpi4b-01",
                      test_plan="deb-smoke", ci_link="https://jenkins.example.com/job/hello-deb/42/",
                      relevant_links=[{"label": "Job", "url": "https://jenkins.example.com/job/hello-deb/42/"}],
                      initial_status="IN_PROGRESS")
    te, patched = ci_job(ci, start_body, [
        [{"name": "install", "status": "PASSED", "category": "setup"},
         {"name": "hello-runs", "status": "PASSED", "io_log": "Hello, world!\n"}],
        [{"name": "hello-i18n", "status": "FAILED", "comment": "missing translation", "io_log": "de: ???"},
         {"name": "uninstall", "status": "PASSED", "category": "setup"}],
    ])
    assert patched["status"] == "FAILED"
    assert patched["is_triaged"] is False

    artefact, build, execution = dashboard(reader, "deb", te)
    assert (artefact["name"], artefact["version"], artefact["series"], artefact["repo"], artefact["stage"],
            artefact["status"]) == ("hello", "2.10-3ubuntu1", "noble", "main", "proposed", "UNDECIDED")
    assert (artefact["all_environment_reviews_count"], artefact["completed_environment_reviews_count"]) == (1, 0)
    assert is_ts(artefact["created_at"])
    assert (build["architecture"], build["revision"], build["bundled_in"]) == ("amd64", None, [])
    assert execution["status"] == "FAILED"
    assert execution["environment"]["name"] == "lab-rpi4b-01"
    assert execution["test_plan"] == "deb-smoke"
    assert execution["ci_link"] == "https://jenkins.example.com/job/hello-deb/42/"
    assert [(link["label"], link["url"]) for link in execution["relevant_links"]] == [
        ("Job", "https://jenkins.example.com/job/hello-deb/42/")]
    assert execution == patched

    r = reader.get(f"/v1/test-executions/{te}/test-results")
    assert r.status_code == 200
    assert [(x["name"], x["status"]) for x in r.json()] == [
        ("install", "PASSED"), ("hello-runs", "PASSED"), ("hello-i18n", "FAILED"), ("uninstall", "PASSED")]


def test_snap_job_that_passes(client_with):
    ci = client_with("change_test")
    reader = client_with("view_artefact", "view_test")
    start_body = body(SNAP, name="hello-snap", version="2.10", revision=38, execution_stage="edge",
                      environment="lab-vm-amd64", test_plan="snap-smoke",
                      ci_link="https://jenkins.example.com/job/hello-snap/7/", relevant_links=[])
    te, patched = ci_job(ci, start_body, [
        [{"name": "install", "status": "PASSED"}, {"name": "run", "status": "PASSED"}],
        [{"name": "gpu", "status": "SKIPPED", "comment": "no gpu"}, {"name": "remove", "status": "PASSED"}],
    ])
    assert patched["status"] == "PASSED"

    artefact, build, execution = dashboard(reader, "snap", te)
    assert (artefact["name"], artefact["version"], artefact["track"], artefact["store"], artefact["stage"]) == (
        "hello-snap", "2.10", "latest", "ubuntu", "edge")
    assert (build["architecture"], build["revision"]) == ("amd64", 38)
    assert execution["status"] == "PASSED"
    assert execution == patched
    # the whole family list shows it too
    assert [a["id"] for a in reader.get("/v1/artefacts").json()] == [artefact["id"]]


def test_rerun_of_the_job_reuses_the_execution(client_with):
    # a CI retry of the same job (same ci_link) reports into the same execution
    ci = client_with("change_test")
    start_body = body(SNAP, ci_link="https://jenkins.example.com/job/retry/1/", relevant_links=[])
    te1, first = ci_job(ci, start_body, [[{"name": "t", "status": "FAILED"}]])
    te2, second = ci_job(ci, start_body, [[{"name": "t", "status": "PASSED"}]])
    assert te1 == te2
    assert (first["status"], second["status"]) == ("FAILED", "PASSED")
