"""The per-file summary: keys added, introduced, referenced, and cleaned up by a change."""

from __future__ import annotations

from gatekeeper.facts.flags.scan import FlagRef
from gatekeeper.facts.flags.summary import FileFlags, summarise


def ref(path: str, key: str | None, line: int = 1) -> FlagRef:
    """A LaunchDarkly reference to ``key`` in JavaScript at ``path``:``line``."""
    return FlagRef(path, line, key, "launchdarkly", "javascript")


def test_added_removed_and_moved_keys() -> None:
    added = [ref("a.ts", "new-flag"), ref("a.ts", "kept"), ref("a.ts", "kept", 9),
             ref("b.ts", "moved"), ref("a.ts", None)]
    removed = [ref("a.ts", "kept"), ref("a.ts", "gone"), ref("c.ts", "moved"),
               ref("c.ts", None), ref("c.ts", "also-gone")]
    assert summarise(added, removed) == (
        FileFlags("a.ts", added=("kept", "new-flag"), introduced=("new-flag",),
                  referenced=("gone", "kept", "new-flag"), removed=("gone",),
                  unknown_added=1, unknown_removed=0),
        FileFlags("b.ts", added=("moved",), introduced=(), referenced=("moved",), removed=()),
        FileFlags("c.ts", added=(), introduced=(), referenced=("also-gone", "moved"),
                  removed=("also-gone",), unknown_added=0, unknown_removed=1),
    )


def test_a_file_is_guarded_by_any_reference_in_its_added_lines() -> None:
    only_dynamic, only_removed = summarise([ref("a.ts", None)], [ref("b.ts", "x")])
    assert only_dynamic.guarded and only_dynamic.added == ()
    assert not only_removed.guarded and only_removed.removed == ("x",)
    assert summarise([], []) == ()
