"""The oracle: every change replay judges gets the statuses ``gatekeeper check`` gives on the
same range under the same policy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.commands.replay.histories import build, with_policy
from tests.conftest import Repo, run_cli


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, dict[str, Any]]:
    """The generated history, replayed once through the command line."""
    root = tmp_path_factory.mktemp("oracle")
    repo = build(root / "repo")
    with_policy(repo)
    out = root / "replay.json"
    result = run_cli("replay", "--json", str(out), cwd=repo.path,
                     env={"GATEKEEPER_CACHE_DIR": str(root / "cache")})
    assert result.code == 0, result.stderr
    return repo, json.loads(out.read_text(encoding="utf-8"))


def _check(repo: Repo, base: str, head: str) -> dict[str, Any]:
    result = run_cli("check", "--base", base, "--head", head, "--format", "json",
                     cwd=repo.path)
    assert result.code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_every_change_gets_the_statuses_check_gives(replayed: tuple[Repo, dict[str, Any]]
                                                    ) -> None:
    repo, document = replayed
    changes = document["repositories"][0]["changes"]
    judged = [c for c in changes if c["skipped"] is None]
    assert len(judged) == 6
    for change in judged:
        head = change["sha"] + ("^2" if change["kind"] == "merge" else "")
        report = _check(repo, change["base"], head)
        assert change["rules"] == {r["rule_id"]: r["status"] for r in report["results"]}, \
            change["subject"]
        assert (change["verdict"] == "fail") == (report["verdict"] == "fail")
        tier = report["review"]
        assert change["tier"] == {"rank": tier["tier"], "name": tier["name"]}
        assert change["ai"]["assisted"] == report["ai"]["assisted"]
        assert change["ai"]["strength"] == (report["ai"]["strength"] or "none")
        totals = report["changeset"]["totals"]
        assert (change["effective_lines"], change["raw_files"]) == (
            totals["effective"]["changed"], totals["raw"]["files"])


def test_the_history_reads_as_its_kinds_and_numbers(replayed: tuple[Repo, dict[str, Any]]
                                                    ) -> None:
    repo, document = replayed
    changes = document["repositories"][0]["changes"]
    assert [(c["kind"], c["number"]) for c in changes] == [
        ("merge", 42), ("commit", 7), ("commit", 6), ("merge", 5), ("merge", 4),
        ("commit", 3), ("commit", None)]
    root = changes[-1]
    assert root["skipped"].startswith("root commit") and root["rules"] == {}
    merge = changes[4]  # the merge of PR 4 is judged from the merge base of its parents
    assert merge["base"] == repo.git("merge-base", merge["sha"] + "^1", merge["sha"] + "^2")
    assert merge["effective_lines"] == 65


def test_the_waiver_the_policy_allows_and_the_ai_trailers_show(
        replayed: tuple[Repo, dict[str, Any]]) -> None:
    _, document = replayed
    by_number = {c["number"]: c for c in document["repositories"][0]["changes"]}
    assert by_number[6]["rules"]["small"] == "waived"
    assert by_number[6]["ai"] == {"assisted": True, "strength": "assisted"}
    assert by_number[5]["ai"] == {"assisted": True, "strength": "co-authored"}
    assert by_number[4]["rules"]["small"] == "fail" and by_number[4]["waivable"] == ["small"]
    assert by_number[7]["effective_lines"] == 0  # a pure rename counts nothing
    entry = document["repositories"][0]
    assert entry["limits"] == {"max_lines": 400, "max_files": 30}  # the first batch-size rule
    assert {"id": "small", "kind": "batch-size", "severity": "error"} in entry["rules"]


def test_the_document_names_the_repository_and_policy(replayed: tuple[Repo, dict[str, Any]],
                                                      ) -> None:
    repo, document = replayed
    assert (document["format"], document["version"]) == ("gatekeeper-replay", 1)
    entry = document["repositories"][0]
    assert (entry["name"], entry["branch"], entry["policy"]) == (
        Path(repo.path).name, "main", ".gatekeeper.yml")
    assert entry["forge"] is None and entry["compare_policy"] is None
    assert any("labels" in note for note in entry["notes"])
