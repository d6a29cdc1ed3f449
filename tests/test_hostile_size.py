"""Size a change cannot hide: each hostile change is a pull request (GitHub) or merge request
(GitLab) on a real bare origin, checked out at depth 1 and judged through the CLI.

Every change is about 900 lines of hand-written code under the built-in 400-line default, each
with a different way to make it look smaller: .gitattributes of its own, a NUL byte, a
docstring that mentions the generated-file marker.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Repo, RunResult, make_repo, run_cli
from tests.context.test_github import checkout, github_env, pr_payload
from tests.context.test_gitlab import clone

pytestmark = pytest.mark.usefixtures("hermetic_git")

ZERO = "0" * 40
BIG = "".join(f"total_{i} = compute({i}, factor={i % 7})\n" for i in range(900))
"""900 lines of hand-written Python: more than twice the default pack's 400."""
CORE = "".join(f"value_{i} = {i}\n" for i in range(500))
REWRITTEN = "".join(f"value_{i} = {i} * 2\n" for i in range(500))
JS = "// build marker \0 keep\n" + "".join(
    f"export const item{i} = () => {i};\n" for i in range(900))
"""A 900-line JavaScript module with one NUL byte in its first comment (Node runs it)."""
DOCSTRING = ('"""Helpers for files that carry an @generated marker.\n\n'
             'They are skipped by the review tools.\n"""\n'
             + "".join(f"def helper_{i}():\n    return {i}\n\n" for i in range(200)))
"""A hand-written 601-line module whose docstring explains the @generated marker."""
BLOB = random.Random(15).randbytes(3 << 20)
"""3 MiB of binary data."""
LIMITS = """\
version: 1
rules:
  - id: batch-size
    kind: batch-size
    max_effective_lines: 400
    max_binary_bytes: 1048576
"""


@dataclass(frozen=True)
class Attack:
    name: str
    files: dict[str, str | bytes]
    counted: str
    """The hand-written file whose lines the report must count."""
    lines: int
    base: str = "main"


ATTRIBUTES = [
    Attack("generated", {".gitattributes": "*.png binary\n*.py linguist-generated\n",
                         "src/big.py": BIG}, "src/big.py", 900),
    Attack("no-diff", {".gitattributes": "*.png binary\n*.py -diff\n", "src/big.py": BIG},
           "src/big.py", 900),
    Attack("binary", {".gitattributes": "*.png binary\n*.py binary\n", "src/big.py": BIG},
           "src/big.py", 900),
    Attack("vendored-tree", {".gitattributes": "*.png binary\nsrc/** linguist-vendored\n",
                             "src/big.py": BIG}, "src/big.py", 900),
    Attack("nested-generated", {"src/.gitattributes": "*.py linguist-generated\n",
                                "src/big.py": BIG}, "src/big.py", 900),
    Attack("nested-no-diff", {"src/.gitattributes": "* -diff\n", "src/big.py": BIG},
           "src/big.py", 900),
    Attack("macro", {".gitattributes": "*.png binary\n[attr]quiet -diff -merge\n*.py quiet\n",
                     "src/big.py": BIG}, "src/big.py", 900),
    Attack("quoted-path", {".gitattributes": '*.png binary\n"src/big.py" linguist-generated=true\n',
                           "src/big.py": BIG}, "src/big.py", 900),
    Attack("rewrite-as-binary", {"src/.gitattributes": "core.py binary\n",
                                 "src/core.py": REWRITTEN}, "src/core.py", 1000),
]
OTHERS = [
    Attack("nul-byte", {"src/widget.js": JS}, "src/widget.js", 901),
    Attack("fake-banner", {"src/markers.py": DOCSTRING}, "src/markers.py", 604),
]
BLOB_ATTACK = Attack("blob", {"assets/data.bin": BLOB, "src/tiny.py": "x = 1\n"},
                     "src/tiny.py", 1)
LIMITED_BLOB = Attack("limited-blob", {"assets/data.bin": BLOB}, "assets/data.bin", 0,
                      base="limits")
MISLABELLED = Attack("mislabelled", {"gen/api.py": BIG * 25}, "gen/api.py", 22500)
ALL = [*ATTRIBUTES, *OTHERS, BLOB_ATTACK, LIMITED_BLOB, MISLABELLED]


@dataclass(frozen=True)
class Origin:
    path: Path
    bases: dict[str, str]
    """Base branch name to its tip."""
    heads: dict[str, tuple[int, str]]
    """Attack name to its PR/MR number and head commit."""

    @property
    def url(self) -> str:
        """The file:// address of the origin."""
        return self.path.as_uri()


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Origin:
    """A bare origin with one pull and merge request per attack, on its base branch."""
    root = tmp_path_factory.mktemp("hostile-size")
    seed = make_repo(root / "seed")
    seed.write(".gitattributes", "*.png binary\ngen/** linguist-generated\n")
    seed.write("src/app.py", "app = 1\n")
    seed.write("src/core.py", CORE)
    seed.write("assets/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR")
    main = seed.commit("base")
    seed.git("checkout", "-q", "-b", "limits")
    seed.write(".gatekeeper.yml", LIMITS)
    bases = {"main": main, "limits": seed.commit("limits")}
    heads = {}
    for number, attack in enumerate(ALL, start=10):
        seed.git("checkout", "-q", "-b", attack.name, bases[attack.base])
        for name, content in attack.files.items():
            seed.write(name, content)
        heads[attack.name] = (number, seed.commit(attack.name))
        seed.git("update-ref", f"refs/pull/{number}/head", heads[attack.name][1])
        seed.git("update-ref", f"refs/merge-requests/{number}/head", heads[attack.name][1])
    bare = root / "origin.git"
    Repo(root).git("init", "-q", "--bare", str(bare))
    seed.git("push", "-q", bare.as_uri(), "refs/heads/*:refs/heads/*", "refs/pull/*:refs/pull/*",
             "refs/merge-requests/*:refs/merge-requests/*")
    Repo(bare).git("config", "uploadpack.allowReachableSHA1InWant", "true")
    return Origin(bare, bases, heads)


def on_github(origin: Origin, attack: Attack, tmp_path: Path) -> RunResult:
    """The CLI in a pull_request job of a depth-1 actions/checkout."""
    number, head = origin.heads[attack.name]
    work = checkout(origin.url, tmp_path / "work", head, f"refs/remotes/pull/{number}/merge")
    payload = pr_payload(head, origin.bases[attack.base], number=number, base_ref=attack.base)
    env = github_env(tmp_path, "pull_request", payload)
    return run_cli("check", "--format", "json", cwd=work.path, env=env)


def on_gitlab(origin: Origin, attack: Attack, tmp_path: Path) -> RunResult:
    """The CLI in a detached merge request pipeline of a depth-1 GitLab Runner clone."""
    number, head = origin.heads[attack.name]
    work = clone(tmp_path, origin.url, f"refs/merge-requests/{number}/head")
    env = {
        "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": ZERO, "CI_DEFAULT_BRANCH": "main",
        "CI_PROJECT_ID": "1", "CI_MERGE_REQUEST_IID": str(number),
        "CI_MERGE_REQUEST_EVENT_TYPE": "detached", "CI_MERGE_REQUEST_PROJECT_ID": "1",
        "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "1",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": attack.name,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": attack.base,
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": origin.bases[attack.base],
    }
    return run_cli("check", "--format", "json", cwd=work.path, env=env)


PLATFORMS = {"github": on_github, "gitlab": on_gitlab}


def judged(result: RunResult) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The report, the batch-size result, and the report's files by path."""
    assert result.code in (0, 1), result.stderr
    report = json.loads(result.stdout)
    [rule] = [r for r in report["results"] if r["rule_id"] == "batch-size"]
    return report, rule, {f["path"]: f for f in report["changeset"]["files"]}


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("attack", ATTRIBUTES, ids=lambda a: a.name)
def test_the_changes_own_gitattributes_count_for_nothing(
        origin: Origin, attack: Attack, platform: str, tmp_path: Path) -> None:
    result = PLATFORMS[platform](origin, attack, tmp_path)
    report, rule, files = judged(result)
    counted = files[attack.counted]
    assert (counted["added"] + counted["deleted"], counted["binary"]) == (attack.lines, False)
    assert counted["effective"] and counted["classification"] == []
    assert result.code == 1 and rule["status"] == "fail"
    assert report["changeset"]["totals"]["effective"]["changed"] >= attack.lines
    [note] = [n for n in report["notes"] if "edits .gitattributes" in n]
    assert "follows the base commit" in note and "gitattributes" in note


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_nul_byte_does_not_make_a_module_binary(origin: Origin, platform: str,
                                                  tmp_path: Path) -> None:
    result = PLATFORMS[platform](origin, OTHERS[0], tmp_path)
    report, rule, files = judged(result)
    widget = files["src/widget.js"]
    assert (widget["added"], widget["binary"], widget["forced_text"]) == (901, False, True)
    assert len(widget["hunks"]) == 1 and widget["hunks"][0]["added"] == [[1, 901]]
    assert result.code == 1 and rule["status"] == "fail"
    assert any("src/widget.js (+901 -0)" in n and "NUL byte" in n for n in report["notes"])


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_docstring_about_the_marker_is_no_banner(origin: Origin, platform: str,
                                                   tmp_path: Path) -> None:
    result = PLATFORMS[platform](origin, OTHERS[1], tmp_path)
    _, rule, files = judged(result)
    markers = files["src/markers.py"]
    assert markers["added"] == 604 and "generated" not in markers["classification"]
    assert result.code == 1 and rule["status"] == "fail"


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_a_binary_blob_is_listed_with_its_size(origin: Origin, platform: str,
                                               tmp_path: Path) -> None:
    result = PLATFORMS[platform](origin, BLOB_ATTACK, tmp_path)
    report, rule, files = judged(result)
    blob = files["assets/data.bin"]
    assert (blob["binary"], blob["size"], blob["binary_bytes"]) == (True, 3 << 20, 3 << 20)
    assert "assets/data.bin (3.0 MiB)" in " ".join(report["notes"])
    assert rule["values"]["binary_bytes"] == 3 << 20


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_max_binary_bytes_fails_the_blob(origin: Origin, platform: str, tmp_path: Path) -> None:
    result = PLATFORMS[platform](origin, LIMITED_BLOB, tmp_path)
    _, rule, _ = judged(result)
    assert result.code == 1 and rule["status"] == "fail"
    assert "binary bytes 3145728 > 1048576" in rule["message"]
    assert any("assets/data.bin" in d["path"] and "3.0 MiB" in d["note"]
               for d in rule["details"])


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_the_raw_ceiling_holds_a_mislabelled_file(origin: Origin, platform: str,
                                                  tmp_path: Path) -> None:
    # The base itself calls gen/** generated: the attributes are trusted, the content is not.
    result = PLATFORMS[platform](origin, MISLABELLED, tmp_path)
    report, rule, files = judged(result)
    assert "generated" in files["gen/api.py"]["classification"]
    assert report["changeset"]["totals"]["effective"]["changed"] == 0
    assert result.code == 1 and rule["status"] == "fail"
    assert "raw lines 22500 > 20000" in rule["message"]
