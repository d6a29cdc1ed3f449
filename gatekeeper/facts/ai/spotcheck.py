"""The spot check: a draw that picks a fixed share of AI-assisted changes, keyed on what the
change's author cannot choose again (the PR or MR number in its repository), and secret when an
environment salt is set.

The draw is HMAC-SHA256 with the secret salt as key (empty without one) over
``gatekeeper-spot-check``, the policy's public salt and the key, each ended by a NUL byte
but the last; its first 8 bytes, big-endian, modulo 10,000, are hundredths of a percent.
"""

from __future__ import annotations

import hashlib
import hmac

from gatekeeper.changeset.model import ChangeSet
from gatekeeper.common.records import record
from gatekeeper.facts.ai.detect import Evidence
from gatekeeper.facts.ai.settings import SpotCheckSettings

BUCKETS = 10_000
"""The draw is a whole number of hundredths of a percent, so reports show it exactly."""
DOMAIN = b"gatekeeper-spot-check"
SALT_ID_MESSAGE = b"gatekeeper-spot-check salt id"
"""What the salt's public fingerprint is an HMAC of: no draw's message (those hold NUL bytes)."""
SALT_ID_CHARS = 12


@record(slots=True)
class SpotCheck:
    """Whether the change was picked for a spot check, and the draw that decided it."""

    selected: bool
    percent: float
    key: str
    """The text the draw hashes: ``github.com/acme/app PR/MR 42``, ``... branch feature from
    <sha>`` or ``... commit <sha>``; empty when there is nothing to key on."""
    draw: float | None
    """Where the change fell, from 0 up to 100; picked when below ``percent``."""
    reason: str
    keyed_on: str = ""
    """What the draw was keyed on, in words, for the report."""
    salt_id: str | None = None
    """The secret salt's public fingerprint (never the salt); None without a secret salt."""


@record(slots=True)
class Key:
    """What the spot-check draw is keyed on: the text hashed and how the report describes it."""

    text: str
    """What is hashed."""
    words: str
    """What it is, for the report."""


def draw(key: str, salt: str = "", secret: bytes = b"") -> float:
    """A stable number in [0, 100) for ``key``, the same on every run and every machine for the
    same policy ``salt`` and ``secret`` salt; without the secret anyone can work it out."""
    message = b"\0".join((DOMAIN, salt.encode(), key.encode()))
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS / (BUCKETS / 100)


def salt_id(secret: bytes) -> str:
    """A fingerprint that tells whoever holds the salt which one was used, and nobody else
    anything a high-entropy salt could be recovered from."""
    return hmac.new(secret, SALT_ID_MESSAGE, hashlib.sha256).hexdigest()[:SALT_ID_CHARS]


def key_of(changeset: ChangeSet) -> Key | None:
    """The repository with the PR or MR number; else with the branch and the commit the change
    was compared from, which an amend leaves alone; else the head commit. None when there is
    nothing to key on (a diff file)."""
    meta, revisions = changeset.meta, changeset.revisions
    where = meta.repository or "an unnamed repository"
    origin = f" ({meta.repository_from})" if meta.repository_from else ""
    prefix = f"{meta.repository} " if meta.repository else ""
    if meta.number is not None:
        return Key(f"{prefix}PR/MR {meta.number}", f"PR/MR {meta.number} of {where}{origin}")
    name = revisions.name
    branch = name.removeprefix("refs/heads/") if name.startswith("refs/heads/") else meta.branch
    anchor = revisions.merge_base or revisions.base_sha
    if branch and revisions.mode != "diff-file":
        start = anchor or "no base"
        return Key(f"{prefix}branch {branch} from {start}",
                   f"branch {branch} from {start[:12]} in {where}{origin}")
    if revisions.head_sha:
        return Key(f"{prefix}commit {revisions.head_sha}",
                   f"commit {revisions.head_sha[:12]} in {where}{origin} (no PR/MR number and "
                   "no branch, so an amend draws again)")
    return None


def spot_check(settings: SpotCheckSettings, changeset: ChangeSet,
               evidence: tuple[Evidence, ...]) -> SpotCheck:
    """Whether ``settings`` pick the change, and why, for evidence at least as strong as it
    asks."""
    percent = settings.percent
    strong = [e for e in evidence if e.strength.rank <= settings.min_strength.rank]
    key = key_of(changeset)
    text, words = (key.text, key.words) if key is not None else ("", "")
    if not strong:
        return SpotCheck(False, percent, text, None,
                         f"no AI evidence {settings.min_strength.value} or stronger", words)
    if key is None:
        return SpotCheck(False, percent, text, None, "nothing to key the draw on (no PR/MR "
                         "number, branch or head commit)", words)
    secret = changeset.meta.salt.reveal().encode() if changeset.meta.salt else b""
    fingerprint = salt_id(secret) if secret else None
    value = draw(key.text, settings.salt, secret)
    picked = value < percent
    salted = f"secret salt {fingerprint}" if fingerprint else "no secret salt"
    return SpotCheck(picked, percent, key.text, value,
                     f"{words} drew {value:g}, {'below' if picked else 'not below'} "
                     f"{percent:g}% ({salted})", words, fingerprint)
