"""Fuzz policy loading: any document or text either composes or fails with one located line."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gatekeeper.errors import GatekeeperError, PolicyError
from gatekeeper.policy.compose import BUILTIN_PREFIX, compose
from gatekeeper.policy.locate import _known_fields
from gatekeeper.policy.model import ComposedPolicy, Policy
from gatekeeper.rules import RULE_KINDS

MAIN = "policy.yml"
SIDE_FILES = ("a.yml", "b.yml", "sub/c.yml")
# Every name stays inside the example's temporary folder (or is a built-in pack name).
EXTENDS = st.sampled_from([*SIDE_FILES, MAIN, "sub/../a.yml", "missing.yml", "sub", "",
                           "gatekeeper:default", "gatekeeper:recomended", "gatekeeper:",
                           "gatekeeper:../default"])
KEYS = sorted(_known_fields(Policy) | {"version", "extends", "disable", "classification",
                                       "rules", "exceptions", "id", "kind", "severity", "when",
                                       "unless", "all", "any", "not", "paths", "labels", "size",
                                       "measure", "over", "under", "max_effective_lines",
                                       "groups", "include", "builtin", "rule", "reason",
                                       "expires", "subject_pattern"})
JUNK_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
ANY_KEY = st.one_of(st.sampled_from(KEYS), JUNK_TEXT, st.integers(-3, 3), st.booleans())
KINDS = st.sampled_from([*RULE_KINDS, "batch-sise", "", "Batch-Size"])
IDS = st.sampled_from(["a", "b", "batch-size", "x.y_z-1", "Bad Id", "", "-a"])
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), JUNK_TEXT, KINDS, IDS, EXTENDS,
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.sampled_from(["error", "warning", "notice", "lines", "effective_lines", "commits",
                     "src/**", "!docs/**", "src/[abc", "\\", "(feat|fix", "^ok: \\S", "*",
                     "generated", "docs", "2030-01-01", "2030-02-30", "1", "on", "~",
                     "a{99999999999}", "{rule_id} {nope}", "[z-a]"]),
)


def _nest(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(children, max_size=4),
                     st.dictionaries(ANY_KEY, children, max_size=4))


VALUES = st.recursive(SCALARS, _nest, max_leaves=16)
CONDITION_KEYS = st.sampled_from(["all", "any", "not", "paths", "only_paths", "classes",
                                  "only_classes", "labels", "target_branch", "author", "bot",
                                  "trailer", "size"])
CONDITIONS = st.recursive(
    st.dictionaries(CONDITION_KEYS, st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                                              st.fixed_dictionaries({"measure": SCALARS},
                                                                    optional={"over": SCALARS,
                                                                              "under": SCALARS})),
                    max_size=3),
    lambda c: st.one_of(st.fixed_dictionaries({"not": c}),
                        st.fixed_dictionaries({"all": st.lists(c, max_size=3)}),
                        st.fixed_dictionaries({"any": st.lists(c, max_size=3)})),
    max_leaves=6,
)
RULES = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({}, optional={"id": IDS, "kind": KINDS, "when": CONDITIONS,
                                        "unless": CONDITIONS, "severity": SCALARS,
                                        "max_effective_lines": SCALARS,
                                        "groups": st.lists(st.dictionaries(ANY_KEY, VALUES,
                                                                           max_size=3),
                                                           max_size=2)}),
    st.dictionaries(ANY_KEY, VALUES, max_size=3),
)
EXCEPTIONS = st.fixed_dictionaries({}, optional={"rule": IDS, "paths": VALUES,
                                                 "reason": SCALARS, "expires": SCALARS})
POLICIES = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries({}, optional={
        "version": st.just(1),
        "extends": st.one_of(EXTENDS, st.lists(EXTENDS, max_size=3)),
        "disable": st.one_of(IDS, st.lists(IDS, max_size=3)),
        "classification": st.dictionaries(st.one_of(st.sampled_from(["generated", "docs",
                                                                     "my-class"]), ANY_KEY),
                                          VALUES, max_size=3),
        "rules": st.lists(RULES, max_size=4),
        "exceptions": st.lists(EXCEPTIONS, max_size=3),
    }),
    st.dictionaries(ANY_KEY, VALUES, max_size=2),
)
DOCUMENTS = st.one_of(POLICIES, VALUES)
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _dump(document: Any, flow: bool) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                          default_flow_style=flow)


def check_compose(root: Path) -> ComposedPolicy | None:
    """Compose ``root/MAIN``: it must work or raise a GatekeeperError naming a real place."""
    try:
        return compose(root / MAIN, MAIN)
    except GatekeeperError as exc:
        rendered = exc.render()
        assert "\n" not in rendered and "\r" not in rendered, rendered
        if isinstance(exc, PolicyError):
            assert exc.file == MAIN or exc.file in SIDE_FILES or exc.file.startswith(
                BUILTIN_PREFIX), exc.file
            if exc.line is not None and not exc.file.startswith(BUILTIN_PREFIX):
                text = (root / exc.file).read_bytes().decode("utf-8", errors="replace")
                assert 1 <= exc.line <= len(_BREAKS.split(text)), (exc.line, rendered)
                assert exc.column is not None and exc.column >= 1
        return None


def _write(root: Path, name: str, content: str | bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8", errors="surrogatepass")
    path.write_bytes(content)


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(main=DOCUMENTS, side=st.dictionaries(st.sampled_from(SIDE_FILES), POLICIES, max_size=3),
       flow=st.booleans())
def test_generated_documents_compose_or_fail_cleanly(main: Any, side: dict[str, Any],
                                                     flow: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, MAIN, _dump(main, flow))
        for name, document in side.items():
            _write(root, name, _dump(document, flow))
        policy = check_compose(root)
        if policy is not None:
            assert policy.files[-1] == MAIN
            assert len({rule.id for rule in policy.rules}) == len(policy.rules)
            assert {e.rule for e in policy.exceptions} <= {rule.id for rule in policy.rules}


YAML_CHARS = st.sampled_from([*":-[]{}&*!|>'\"#%@`,?\n\t \\", "rules", "extends", "id", "kind",
                              "<<", "!!int", "!!float", "!!timestamp", "!!binary", "!!set",
                              "!!python/name:os.system", "&a", "*a", "---", "  ", "2030-02-30",
                              "[" * 16, "{a: " * 16, "\x00", "\u2028", "\ufeff", "1" * 5000])


@FUZZ
@given(st.one_of(st.text(max_size=200), st.lists(YAML_CHARS, max_size=60).map("".join),
                 st.binary(max_size=200)))
# Each of these once escaped as something other than a GatekeeperError.
@example("version: 1\x1f\n")
@example("a: " + "[" * 100)
@example("a: &a [*a]\n")
@example("version: !!int x\n")
@example("version: !!timestamp 99999-01-01\n")
@example("exceptions: [{expires: 2030-02-30}]\n")
@example("version: " + "1" * 5000 + "\n")
@example("? [!!int x]\n: 1\n")
@example("classification: {'\\n': []}\n")
@example("rules: [{id: a, kind: commits, subject_pattern: 'a{99999999999}'}]\n")
@example("rules: [{id: a, kind: commits, subject_pattern: '" + "(" * 1000 + ")" * 1000 + "'}]\n")
@example("extends: ['" + "x" * 5000 + "']\n")
@example('extends: ["a\\0b"]\n')
def test_raw_text_fails_cleanly(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, MAIN, content)
        check_compose(root)


@FUZZ
@given(document=POLICIES, flow=st.booleans(), cut=st.integers(0, 10_000),
       length=st.integers(0, 8), insert=st.lists(YAML_CHARS, max_size=4).map("".join))
def test_damaged_documents_fail_cleanly(document: Any, flow: bool, cut: int, length: int,
                                        insert: str) -> None:
    text = _dump(document, flow)
    at = cut % (len(text) + 1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, MAIN, text[:at] + insert + text[at + length:])
        check_compose(root)


def test_the_fuzz_reaches_both_outcomes() -> None:
    """The checks above are only worth something if valid documents get through too."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, "a.yml", _dump({"rules": [{"id": "a", "kind": "batch-size"}]}, False))
        _write(root, MAIN, _dump({"extends": ["gatekeeper:default", "a.yml"],
                                  "disable": "a"}, True))
        policy = check_compose(root)
        assert policy is not None and policy.files == ("gatekeeper:default", "a.yml", MAIN)
        _write(root, MAIN, _dump({"extends": "a.yml", "disable": "b"}, True))
        assert check_compose(root) is None
