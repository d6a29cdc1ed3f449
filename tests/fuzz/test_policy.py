"""Fuzz policy files: every shipped policy, mutated as YAML text, is loaded, composed and applied
to a small change through the whole check, or refused with one located line."""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path
from typing import Any

import yaml

from gatekeeper.errors import PolicyError
from gatekeeper.rules import RULE_KINDS
from tests.fuzz import mutations
from tests.fuzz.checkrun import RICH_POLICY, SMALL_DIFF, check_diff_file, workspace
from tests.fuzz.engine import Target, check, fuzz, scratch

CI_CASES = 500
POLICIES = Path(__file__).resolve().parent.parent.parent / "policies"
_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML counts as a line break, for the lines an error may point at."""
SIDE = "version: 1\nrules:\n  - {id: side, kind: forbidden-paths, paths: ['*.pem']}\n"
TOKENS = (b"version: 1\n", b"extends: ", b"gatekeeper:recommended", b"gatekeeper:strict",
          b"gatekeeper:nope", b"side.yml", b"policy.yml", b"../", b"disable: ", b"rules:\n",
          b"  - id: ", b"kind: ", b"when: ", b"unless: ", b"{all: [", b"{any: [", b"{not: ",
          b"paths: ", b"only_paths: ", b"classes: ", b"labels: ", b"size: ", b"measure: ",
          b"over: ", b"under: ", b"severity: ", b"error", b"warning", b"notice", b"message: ",
          b"{rule_id}", b"{nope}", b"{{", b"remediation: ", b"exceptions:\n", b"expires: ",
          b"2030-02-30", b"2029-12-31", b"reason: ", b"classification:\n", b"subject_pattern: ",
          b"'(a+)+$'", b"'^(\\w+\\s?)*$'", b"'[z-a]'", b"'a{99999999999}'",
          b"max_effective_lines: ", b"max_files: ", b"max_raw_lines: ", b"max_binary_bytes: ",
          b"groups:", b"waivers:",
          b"review:\n", b"tiers:", b"lower:", b"floor: ", b"ai:\n", b"spot_check: ",
          b"percent: ", b"flags:\n", b"presets: ", b"registry: ", b"codeowners:\n", b"coverage:",
          b"&a ", b"*a", b"<<: *a", b"!!python/object:os.system", b"!!binary", b"? ", b"- ",
          b": ", b"'", b'"', b"|\n", b">-\n", b"\t", b"# c", *(k.encode() for k in RULE_KINDS))
KEYS = tuple(t.decode().strip(" :\n-{[") for t in TOKENS[:60] if t.rstrip().endswith(b":"))


def seeds() -> list[bytes]:
    """The rich policy and every example policy, as seeds for the fuzzer."""
    found = sorted(p for p in POLICIES.rglob("*.yml") if not p.name.endswith(".test.yml"))
    return [RICH_POLICY.encode(), *(p.read_bytes() for p in found)]


@functools.cache
def _documents() -> list[Any]:
    return [yaml.safe_load(seed) for seed in seeds()]


def generate(rng: random.Random) -> bytes:
    """A shipped policy with a few nodes swapped for values of other kinds (so it still parses
    and validation has to judge it), or a policy of a few rules of random kinds."""
    if rng.random() < 0.7:
        document = rng.choice(_documents())
        for _ in range(rng.randint(1, 3)):
            document = mutations.tree(rng, document, KEYS)
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True).encode()
    rules = []
    for number in range(rng.randint(1, 4)):
        options = b"".join(b"    " + rng.choice(TOKENS[15:60]) + rng.choice(TOKENS[-20:]) + b"\n"
                           for _ in range(rng.randint(0, 3)))
        rules.append(b"  - id: r%d\n    kind: %s\n%s" % (number, rng.choice(list(RULE_KINDS))
                                                          .encode(), options))
    return b"version: 1\nrules:\n" + b"".join(rules)


def policy_target(workdir: Path) -> Target:
    """The policy is the input; the change and the trusted files stay the same."""
    workspace(workdir)
    (workdir / "side.yml").write_text(SIDE)
    diff, policy = workdir / "change.diff", workdir / "policy.yml"
    diff.write_bytes(SMALL_DIFF)

    def run(data: bytes) -> str:
        policy.write_bytes(data)
        try:
            return check_diff_file(workdir, diff, policy)
        except PolicyError as error:
            # It names a file: the policy, one it extends, or one it names (a flag registry).
            assert error.file.strip(), error.render()
            if error.line is not None and error.file == str(policy):
                text = data.decode("utf-8", errors="replace")
                assert 1 <= error.line <= len(_BREAKS.split(text)), error.line
            raise

    return Target("policy", seeds, run, TOKENS, generate, weight=0.3, fresh=0.5)


def test_mutated_policies_apply_or_fail_with_a_located_line() -> None:
    with scratch() as folder:
        stats = fuzz(policy_target(folder), CI_CASES, seed=1)
    check(stats, CI_CASES)
    assert {"pass", "fail"} <= set(stats.outcomes), stats.outcomes
