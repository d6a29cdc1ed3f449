"""Flag registries in YAML, JSON and plain text, their errors, and the check of keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gatekeeper.errors import PolicyError
from gatekeeper.facts.flags.registry import (
    MAX_BYTES,
    MAX_KEYS,
    Registry,
    UnknownKey,
    check,
    load,
    parse,
)

KEYS = frozenset({"new-checkout", "dark-mode", "search_v2"})


@pytest.mark.parametrize(("name", "text"), [
    ("flags.yml", "- new-checkout\n- dark-mode\n- search_v2\n"),
    ("flags.yaml", "new-checkout: Rewritten checkout\ndark-mode:\nsearch_v2:\n"
                   "  owner: search\n  expires: 2026-01-01\n"),
    ("flags.yml", "version: 2\nflags:\n  - new-checkout\n  - dark-mode\n  - search_v2\n"),
    ("flags.yml", "flags:\n  new-checkout: {owner: payments}\n  dark-mode: ''\n"
                  "  search_v2: [a, b]\n"),
    ("flags.yml", "- key: new-checkout\n  owner: payments\n- name: dark-mode\n- id: search_v2\n"),
    ("flags.json", json.dumps(["new-checkout", "dark-mode", "search_v2"])),
    ("flags.json", json.dumps({"new-checkout": "x", "dark-mode": {"owner": "web"},
                               "search_v2": None})),
    ("flags.json", json.dumps({"flags": [{"key": "new-checkout"}, {"name": "dark-mode"},
                                         "search_v2"]})),
    ("flags.txt", "# flags in production\nnew-checkout\n\n  dark-mode  # owner: web\n"
                  "search_v2\n"),
    ("FLAGS", "\ufeffnew-checkout\r\ndark-mode\r\nsearch_v2\r\n"),
])
def test_every_accepted_shape_lists_the_same_keys(tmp_path: Path, name: str,
                                                  text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    registry = load(path, display=name)
    assert registry == Registry(name, KEYS)


def test_empty_registries_list_no_keys() -> None:
    for name, raw in [("a.yml", b""), ("a.yml", b"# nothing yet\n"), ("a.json", b"[]"),
                      ("a.txt", b"# none\n\n"), ("a.yml", b"flags: []\n")]:
        assert parse(raw, name).keys == frozenset(), name


def test_the_format_can_be_given_instead_of_taken_from_the_name() -> None:
    assert parse(b'["a"]', "registry", fmt="json").keys == {"a"}
    assert parse(b"- a\n", "registry", fmt="yaml").keys == {"a"}
    with pytest.raises(PolicyError, match="unknown flag registry format 'toml'"):
        parse(b"a", "registry", fmt="toml")


@pytest.mark.parametrize(("name", "raw", "message", "line"), [
    ("f.yml", b"- a\n- 123\n", "flag key '123' is not text", 2),
    ("f.yml", b"- a\n- yes\n", "flag key 'yes' is not text", 2),
    ("f.yml", b"- a\n- [b, c]\n", "is not text", 2),
    ("f.yml", b"a: 1\nb: 2\na: 3\n", "duplicate key 'a'", 3),
    ("f.yml", b"- a\n- owner: x\n", "needs a key, name or id field", 2),
    ("f.yml", b"- a\n- b: [\n", "YAML syntax error", 3),
    ("f.yml", b"base: &b {o: 1}\n<<: *b\n", "merge keys", 2),
    ("f.yml", b"just text\n", "a list or a mapping of keys", 1),
    ("f.yml", b'- ""\n', "empty flag key", 1),
    ("f.yml", b'- "a\\tb"\n', "control character", 1),
    ("f.txt", b"ok\n" + b"x" * 300 + b"\n", "longer than 256 characters", 2),
    ("f.txt", b"ok\nbad \xff\n", "not valid UTF-8", 2),
    ("f.json", b'[\n  "a",\n  "b"\n  "c"\n]', "JSON error: Expecting ',' delimiter", 4),
])
def test_errors_name_the_file_and_line(name: str, raw: bytes, message: str,
                                       line: int) -> None:
    with pytest.raises(PolicyError) as caught:
        parse(raw, name)
    error = caught.value
    assert message in error.message
    assert (error.file, error.line) == (name, line)
    assert error.render().startswith(f"{name}:{line}:")


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"a": 1, "a": 2}', "duplicate key 'a'"),
    (b'[1, "a"]', "flag key 1 is not text"),
    (b'[{"owner": "x"}]', "needs a key, name or id field"),
    (b'"a"', "a list or a mapping of keys"),
    (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
])
def test_json_errors_are_policy_errors(raw: bytes, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse(raw, "f.json")


def test_deep_yaml_is_refused() -> None:
    with pytest.raises(PolicyError, match="nests too deeply"):
        parse(b"[" * 5000 + b"]" * 5000, "f.yml")


def test_aliases_in_metadata_are_never_expanded() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
              for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    assert parse("\n".join(lines).encode(), "bomb.yml").keys == set("abcdefghi")


def test_size_and_count_are_bounded(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="larger than 4 MiB"):
        parse(b"a" * (MAX_BYTES + 1), "big.txt")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a\n" * (MAX_BYTES // 2 + 1))
    with pytest.raises(PolicyError, match="larger than 4 MiB"):
        load(big)
    many = "".join(f"k{i}\n" for i in range(MAX_KEYS + 1)).encode()
    with pytest.raises(PolicyError, match="more than 100000 keys"):
        parse(many, "many.txt")


def test_an_unreadable_registry_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read flag registry") as caught:
        load(tmp_path / "missing.yml", display="flags/missing.yml")
    assert caught.value.file == "flags/missing.yml"
    with pytest.raises(PolicyError, match="cannot read flag registry"):
        load(tmp_path)


def test_check_reports_unknown_keys_with_the_closest_known_one() -> None:
    registry = Registry("flags.yml", frozenset({"new-checkout", "dark-mode", "NewSearch",
                                                "billing-v2"}))
    found = check(["new-checkout", "new-chekout", "Dark-Mode", "newsearch", "zzz-unrelated",
                   "billing-v3", "new-chekout"], registry)
    assert found == (UnknownKey("Dark-Mode", "dark-mode"),
                     UnknownKey("billing-v3", "billing-v2"),
                     UnknownKey("new-chekout", "new-checkout"),
                     UnknownKey("newsearch", "NewSearch"),
                     UnknownKey("zzz-unrelated", None))
    assert check(["dark-mode"], registry) == ()
    assert check(["a"], Registry("empty.yml", frozenset())) == (UnknownKey("a", None),)
