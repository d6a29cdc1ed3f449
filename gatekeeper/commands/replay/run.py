"""``gatekeeper replay``: every first-parent change of a branch judged under the policy (and a
second one with --compare), as one repository entry of the replay document."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gatekeeper import context
from gatekeeper.changeset.model import NOTES_REF, ChangeMeta, ChangeSet, Revisions
from gatekeeper.commands.replay import engine, history, records, repository
from gatekeeper.commands.replay.cache import Cache, Counts, key, open_cache
from gatekeeper.commands.replay.reader import Options, Reader
from gatekeeper.common.records import record
from gatekeeper.errors import ChangeSetError
from gatekeeper.gitread.gitio import GitRepo
from gatekeeper.pipeline import trust
from gatekeeper.policy import needs, resolver
from gatekeeper.policy.model import ComposedPolicy

Progress = Callable[[int, Iterable[Any]], Iterable[Any]]


@record
class ReplayOptions:
    """What to replay, under which policies, and how."""

    repo_path: str = "."
    branch: str | None = None
    last: int | None = 200
    since: str | None = None
    until: str | None = None
    policy: str | None = None
    compare: str | None = None
    jobs: int = 1
    cache_dir: str | None = None
    find_copies: bool = False


@record
class Replayed:
    """One repository's entry of the document, and how the cache was used."""

    entry: dict[str, Any]
    counts: Counts


def _no_progress(length: int, items: Iterable[Any]) -> Iterable[Any]:
    return items


def replay(options: ReplayOptions, progress: Progress = _no_progress) -> Replayed:
    """Replay the branch; ChangeSetError (exit 3) when its history cannot be read."""
    # A replay runs git hundreds of times: GitPython's fixed cost is paid once for all of them.
    repo = GitRepo.discover(options.repo_path, gitpython=True)
    cache = open_cache(options.cache_dir)
    try:
        return _replay(repo, cache, options, progress)
    finally:
        cache.close()
        repo.close()


def _policy(repo: GitRepo, path: str | None) -> engine.Judged:
    """A policy read as check reads it locally: --policy, else the work tree's file."""
    policy, source = resolver.resolve_in_repo(path, repo, Revisions(mode="range"), "worktree")
    return engine.Judged(policy, source, trust.worktree(Path(repo.root)))


def _replay(repo: GitRepo, cache: Cache, options: ReplayOptions,
            progress: Progress) -> Replayed:
    branch = options.branch or history.default_branch(repo)
    main = _policy(repo, options.policy)
    other = _policy(repo, options.compare) if options.compare else None
    judged = (main,) if other is None else (main, other)
    span = history.Span(branch, options.last, options.since, options.until)
    found = list(history.changes(repo, span, _merge_bases(repo, cache)))
    meta = _meta(repo, found)
    reader = Reader(repo, cache, _reader_options(repo.root, options.find_copies, judged),
                    options.jobs)
    notes = repo.resolve_commit(NOTES_REF) is not None  # else every change would ask git
    changes = [_record(repo, change, read, meta, judged, notes)
               for change, read in progress(len(found), reader.read(found))]
    entry = {**repository.describe(repo, branch), "policy": _shown(main),
             "compare_policy": _shown(other) if other else None,
             "limits": repository.limits(main.policy), "rules": _rules(main.policy),
             "compare_rules": _rules(other.policy) if other else [],
             "notes": list(records.NOTES), "changes": changes}
    return Replayed(entry, cache.counts)


def _record(repo: GitRepo, change: history.Change, read: ChangeSet | str, meta: ChangeMeta,
            judged: tuple[engine.Judged, ...], notes: bool) -> dict[str, Any]:
    if isinstance(read, str):
        return records.skipped_record(change, read)
    try:
        changeset = engine.prepare(repo, read, meta, judged, notes)
        verdicts = [j.verdict(changeset) for j in judged]
    except ChangeSetError as exc:
        return records.skipped_record(change, f"cannot be judged: {exc.message}")
    compare = (engine.outcome(verdicts[1], judged[1].waivable()) if len(verdicts) > 1
               else None)
    return records.judged_record(change, engine.facts_of(verdicts[0]),
                                 engine.outcome(verdicts[0], judged[0].waivable()), compare)


def _merge_bases(repo: GitRepo, cache: Cache) -> history.MergeBase:
    """Merge bases, kept in the cache: a warm run asks git for none."""
    def find(first: str, second: str) -> str | None:
        name = key("merge-base", first, second)
        base = cache.merge_base(name)
        if base is None:
            base = repo.merge_base(first, second)
            if base is not None:
                cache.put_merge_base(name, base)
        return base
    return find


def _meta(repo: GitRepo, found: list[history.Change]) -> ChangeMeta:
    """The metadata a local ``check --base <sha> --head <sha>`` has: no labels, no PR number
    or branch (revisions are commits), the repository's name, and the spot-check salt."""
    tip = next((c.head for c in found), None)
    if tip is None:
        return ChangeMeta()
    request = context.Request(base=tip, head=tip, ci="local")
    return context.detect(repo, request).meta


def _reader_options(root: str, find_copies: bool,
                    judged: tuple[engine.Judged, ...]) -> Options:
    """The change-set options: the line text every policy's flag scan wants."""
    scanning = [j.policy for j in judged if needs.flags(j.policy)]
    if not scanning:
        return Options(root, find_copies)
    wants = [p.flags.wants for p in scanning]
    words = json.dumps([_flag_reach(p) for p in scanning], sort_keys=True)
    return Options(root, find_copies, lambda path: any(w(path) for w in wants), words)


def _flag_reach(policy: ComposedPolicy) -> Any:
    return policy.flags.model_dump(mode="json", include={"presets", "patterns"})


def _shown(judged: engine.Judged) -> str:
    return judged.source.path or "built-in default"


def _rules(policy: ComposedPolicy) -> list[dict[str, str]]:
    return [{"id": r.id, "kind": r.kind, "severity": r.severity.value} for r in policy.rules]

