"""The policy's codeowners section: defaults, the file's path, and composing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from gatekeeper.facts.codeowners.settings import CodeOwnersSettings
from gatekeeper.policy.compose import compose
from gatekeeper.policy.model import Policy


def test_defaults_follow_the_platform() -> None:
    settings = CodeOwnersSettings.model_validate({})
    assert (settings.file, settings.syntax, settings.enabled) == (None, "auto", True)
    assert Policy.model_validate({}).codeowners == settings


@pytest.mark.parametrize("name", [".github/CODEOWNERS", "CODEOWNERS", "team/owners.txt"])
def test_a_path_inside_the_repository_is_kept(name: str) -> None:
    assert CodeOwnersSettings.model_validate({"file": name}).file == name


@pytest.mark.parametrize("name", ["", "/CODEOWNERS", "../CODEOWNERS", "docs/../CODEOWNERS",
                                  "docs//CODEOWNERS", "docs/", "docs\\CODEOWNERS"])
def test_a_path_outside_or_malformed_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="inside the repository"):
        CodeOwnersSettings.model_validate({"file": name})


@pytest.mark.parametrize("data", [{"syntax": "bitbucket"}, {"enable": False},
                                  {"enabled": "sometimes"}])
def test_unknown_keys_and_values_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        CodeOwnersSettings.model_validate(data)


def test_a_local_file_overrides_the_keys_it_sets(tmp_path: Path) -> None:
    (tmp_path / "base.yml").write_text(
        "codeowners:\n  file: team/CODEOWNERS\n  syntax: gitlab\n"
        "rules: [{id: size, kind: batch-size}]\n", encoding="utf-8")
    (tmp_path / "local.yml").write_text(
        "extends: [base.yml]\ncodeowners:\n  syntax: github\n", encoding="utf-8")
    policy = compose(tmp_path / "local.yml", "local.yml")
    assert policy.codeowners == CodeOwnersSettings.model_validate(
        {"file": "team/CODEOWNERS", "syntax": "github"})
    (tmp_path / "off.yml").write_text(
        "extends: [base.yml]\ncodeowners: {enabled: false}\n", encoding="utf-8")
    off = compose(tmp_path / "off.yml", "off.yml").codeowners
    assert (off.file, off.syntax, off.enabled) == ("team/CODEOWNERS", "gitlab", False)
