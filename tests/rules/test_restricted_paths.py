"""restricted-paths: touching the globs needs an allowing label or commit trailer."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gatekeeper.changeset.model import FileStatus
from gatekeeper.rules.findings import Status
from tests.builders import change, commit, facts_of, judge


def rule(**extra: object) -> dict[str, Any]:
    """A restricted-paths rule on infra/**, with ``extra``."""
    return {"id": "infra", "kind": "restricted-paths", "paths": ["infra/**"], **extra}


INFRA = change("infra/main.tf", 4, 2)


def test_passes_when_no_restricted_path_is_touched() -> None:
    result = judge(rule(labels=["infra-ok"]), facts_of(change("src/app.py")))
    assert result.status is Status.PASS
    assert result.message == "no touched path matches infra/**"
    assert result.files == ()


def test_fails_without_approval_and_says_what_to_ask_for() -> None:
    facts = facts_of(INFRA, change("src/app.py"), labels=("bug",))
    result = judge(rule(labels=["infra-ok"], trailers=["Infra-Reviewed-by"]), facts)
    assert result.status is Status.FAIL
    assert result.message == "restricted paths touched without approval: infra/main.tf"
    assert [(s.path, s.added, s.deleted) for s in result.files] == [("infra/main.tf", 4, 2)]
    assert result.remediation == (
        "get approval for changing it: ask a maintainer to add the label `infra-ok` to the "
        "PR or MR, or add the trailer `Infra-Reviewed-by: <who approved>` to a commit message "
        "in the change")
    assert result.main_check is not None and result.main_check.measured == 1


def test_remediation_offers_only_the_configured_ways_and_lists_several() -> None:
    facts = facts_of(INFRA, change("infra/vpc.tf"))
    labels_only = judge(rule(labels=["infra-ok", "sre-approved"]), facts)
    assert labels_only.remediation == (
        "get approval for changing them: ask a maintainer to add one of the labels "
        "`infra-ok`, `sre-approved` to the PR or MR")
    trailers_only = judge(rule(trailers=["Infra-Reviewed-by", "Sre-Approved"]), facts)
    assert trailers_only.remediation == (
        "get approval for changing them: add one of the trailers `Infra-Reviewed-by: <who "
        "approved>`, `Sre-Approved: <who approved>` to a commit message in the change")


def test_a_label_allows_it_whatever_its_case() -> None:
    facts = facts_of(INFRA, labels=("bug", "Infra-OK"))
    result = judge(rule(labels=["infra-ok"]), facts)
    assert result.status is Status.PASS
    assert result.message == "restricted paths touched (infra/main.tf), allowed by label Infra-OK"
    assert [s.path for s in result.files] == ["infra/main.tf"]


def test_a_trailer_in_any_commit_allows_it() -> None:
    commits = [commit(1), commit(2, trailers={"infra-reviewed-BY": "Grace <g@example.com>"})]
    # A single key may be written bare.
    result = judge(rule(trailers="Infra-Reviewed-by"), facts_of(INFRA, commits=commits))
    assert result.status is Status.PASS
    assert result.message == (
        "restricted paths touched (infra/main.tf), allowed by trailer Infra-Reviewed-by: "
        f"Grace <g@example.com> in commit {commits[1].sha[:12]}")


def test_other_trailers_and_labels_do_not_allow_it() -> None:
    commits = [commit(1, trailers={"Reviewed-by": "Grace"})]
    facts = facts_of(INFRA, commits=commits, labels=("infra",))
    result = judge(rule(labels=["infra-ok"], trailers=["Infra-Reviewed-by"]), facts)
    assert result.status is Status.FAIL


def test_renames_into_and_out_of_restricted_paths_count() -> None:
    out = change("attic/old.tf", 0, 0, FileStatus.RENAMED, "infra/old.tf")
    into = change("infra/new.tf", 0, 0, FileStatus.RENAMED, "scratch/new.tf")
    result = judge(rule(labels=["infra-ok"]), facts_of(out, into, change("src/x.py")))
    assert result.status is Status.FAIL
    assert dict(result.values)["matched"] == "infra/old.tf, infra/new.tf"
    assert "attic/old.tf (renamed from infra/old.tf)" in result.message
    assert [s.path for s in result.files] == ["attic/old.tf", "infra/new.tf"]


def test_negation_takes_a_path_out_of_the_restriction() -> None:
    config = rule(paths=["infra/**", "!infra/README.md"], labels=["infra-ok"])
    assert judge(config, facts_of(change("infra/README.md"))).status is Status.PASS
    assert judge(config, facts_of(change("infra/README.md"), INFRA)).status is Status.FAIL


def test_message_template_gets_every_variable() -> None:
    config = rule(labels=["infra-ok", "sre"], trailers=["Infra-Reviewed-by"],
                  message="{count}: {matched} needs {labels} or {trailers}")
    result = judge(config, facts_of(INFRA, change("infra/vpc.tf")))
    assert result.message == ("2: infra/main.tf, infra/vpc.tf needs infra-ok, sre or "
                              "Infra-Reviewed-by")


def test_labels_or_trailers_are_required() -> None:
    with pytest.raises(ValidationError, match="needs labels, trailers or both"):
        judge(rule(), facts_of(INFRA))
    with pytest.raises(ValidationError, match="needs labels, trailers or both"):
        judge(rule(labels=[], trailers=[]), facts_of(INFRA))


@pytest.mark.parametrize(("extra", "error"), [
    ({"paths": []}, "at least 1 item"),
    ({"trailers": ["Infra-Reviewed-by:"]}, "without the colon"),
    ({"trailers": ["Reviewed by"]}, "letters, digits and dashes"),
    ({"labels": [""]}, "at least 1 character"),
    ({"labels": ["ok"], "message": "{approved}"}, r"unknown placeholder \{approved\}"),
])
def test_invalid_config_is_rejected(extra: dict[str, Any], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        judge(rule(trailers=["Ok"]) | extra, facts_of(INFRA))
