"""The GitHub Actions event payload, read defensively from the file GITHUB_EVENT_PATH names.

An earlier step of the job can rewrite that file, so every value is checked for its type and
form (a commit sha, a ref name git would accept) before a context is built from it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from gatekeeper.context.model import show as _show
from gatekeeper.errors import ChangeSetError, UsageError
from gatekeeper.gitread.objectname import is_full_name

MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
PAYLOAD_HINT = ("gatekeeper reads the payload GitHub Actions writes to GITHUB_EVENT_PATH: run it "
                "in a workflow step without changing that file, or choose the revisions with "
                "--base and --head")
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
_MISSING = object()


class Payload:
    """The event payload, read defensively: a workflow can rewrite it before gatekeeper runs."""

    def __init__(self, data: dict[str, object], event: str) -> None:
        self.data = data
        self.event = event

    def _fail(self, path: str, what: str, value: object = _MISSING) -> ChangeSetError:
        found = "nothing" if value is _MISSING else _show(value)
        return ChangeSetError(f"the {self.event} event payload has {found} at {path}, not {what}",
                              hint=PAYLOAD_HINT)

    def _lookup(self, path: str, what: str, required: bool) -> object:
        """The value at a dotted path; None when an optional value (or its parent) is absent."""
        node: object = self.data
        walked: list[str] = []
        for key in path.split("."):
            if (node is None or node is _MISSING) and not required:
                return None
            if not isinstance(node, dict):
                raise self._fail(".".join(walked), "an object", node)
            walked.append(key)
            node = node.get(key, _MISSING)
        if node is _MISSING or node is None:
            if required:
                raise self._fail(path, what, node)
            return None
        return node

    def text(self, path: str, *, required: bool = True, what: str = "a string") -> str | None:
        """The string at ``path``; None when it is optional and absent."""
        value = self._lookup(path, what, required)
        if value is None or isinstance(value, str):
            return value
        raise self._fail(path, what, value)

    def flag(self, path: str) -> bool | None:
        """The optional true or false at ``path``."""
        value = self._lookup(path, "true or false", False)
        if value is None or isinstance(value, bool):
            return value
        raise self._fail(path, "true or false", value)

    def number(self, path: str) -> int | None:
        """The optional integer at ``path`` (a boolean is not one)."""
        value = self._lookup(path, "a number", False)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._fail(path, "a number", value)

    def sha(self, path: str) -> str:
        """The required commit sha at ``path``, in lower case."""
        value = self.text(path, what="a commit sha") or ""
        if not is_full_name(value.lower()):
            raise self._fail(path, "a commit sha", value)
        return value.lower()

    def ref(self, path: str) -> str:
        """The required ref name at ``path``, one git would accept."""
        value = self.text(path, what="a git ref name") or ""
        if not valid_ref(value):
            raise self._fail(path, "a git ref name", value)
        return value

    def labels(self, path: str) -> tuple[str, ...]:
        """The names of the labels listed at ``path``; none when it is absent."""
        value = self._lookup(path, "a list of labels", False)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self._fail(path, "a list of labels", value)
        names = []
        for item in value:
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                raise self._fail(path, "a list of labels with names", item)
            names.append(name)
        return tuple(names)


def load(env: Mapping[str, str], event: str) -> Payload:
    """The JSON payload of the event that started the workflow."""
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        raise UsageError("GITHUB_EVENT_PATH is not set, so the event payload cannot be read",
                         hint="run gatekeeper in a GitHub Actions step, or pass --ci local")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_PAYLOAD_BYTES + 1)
    except OSError as exc:
        raise ChangeSetError(f"cannot read the event payload {_show(path)}: {exc.strerror}",
                             hint=PAYLOAD_HINT) from exc
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise ChangeSetError(f"the event payload {_show(path)} is larger than "
                             f"{MAX_PAYLOAD_BYTES // (1024 * 1024)} MiB", hint=PAYLOAD_HINT)
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ChangeSetError(f"the event payload {_show(path)} is not valid JSON: "
                             f"{_show(str(exc), quote=False)}", hint=PAYLOAD_HINT) from exc
    if not isinstance(data, dict):
        raise ChangeSetError(f"the event payload {_show(path)} is not a JSON object",
                             hint=PAYLOAD_HINT)
    return Payload(data, event)


def valid_ref(name: str) -> bool:
    """Whether git would accept ``name`` as a branch or ref name (git check-ref-format's rules),
    so that it can go into a refspec without changing what the refspec means."""
    if not name or len(name) > 1024 or name.startswith(("-", "/")) or name == "@":
        return False
    if name.endswith(("/", ".", ".lock")) or _REF_FORBIDDEN.search(name):
        return False
    return not any(part.startswith(".") or part.endswith(".lock") for part in name.split("/"))
