"""Keeps the token out of text built from what an API answered, whatever form a server echoes
it in: with invisible characters inside, percent- or entity-encoded, in another case, in
base64 or hex.

The approvals clients never put a server's words in a message; what remains of an answer is
data, such as the logins of reviewers. A hostile server (an API URL pointed elsewhere) can still
name a reviewer after the token, so every text made from an answer is checked before it is
shown, and withheld whole when any part of it could give the token away.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from urllib.parse import unquote

RUN = 9
"""Characters of the token, in a row, that a text may not hold: enough to be no accident,
too few to leave much of the token guessable."""
_ESCAPES = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")
_DECODE_ROUNDS = 3


def forms(token: str) -> tuple[str, ...]:
    """The token as a server could echo it, casefolded: as it is, in hex, and in standard
    and URL-safe base64 at each of the three byte alignments it can start at."""
    raw = token.encode("utf-8")
    found = [token, raw.hex()]
    for shift in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * shift + raw).decode("ascii").rstrip("=")
            # The first group mixes in the bytes before the token, the last the bytes after.
            found.append(text[4 if shift else 0: -4 if len(text) > 8 else None])
    return tuple(dict.fromkeys(form.casefold() for form in found if form))


def normal(text: str) -> str:
    """``text`` as a reader could take it in: entities and percent-escapes decoded (nested ones
    too), every invisible, control, space or format character and every backslash escape of
    one dropped, look-alikes folded, casefolded."""
    for _ in range(_DECODE_ROUNDS):
        decoded = unquote(html.unescape(text))
        if decoded == text:
            break
        text = decoded
    text = _ESCAPES.sub("", text)
    # NFKC folds full-width and other compatibility look-alikes onto the plain letters.
    text = unicodedata.normalize("NFKC", text)
    kept = (ch for ch in text if unicodedata.category(ch)[0] not in "CZ")
    return "".join(kept).casefold()


def holds_token(text: str, token: str) -> bool:
    """Whether ``text`` holds RUN characters in a row of any form of ``token`` (all of a form
    shorter than that), however they are disguised."""
    if not token:
        return False
    seen = normal(text)
    for form in forms(token):
        size = min(RUN, len(form))
        if any(form[i:i + size] in seen for i in range(len(form) - size + 1)):
            return True
    return False


def redact(text: str, token: str, instead: str) -> str:
    """``text``, or ``instead`` when it could give ``token`` away."""
    return instead if holds_token(text, token) else text
