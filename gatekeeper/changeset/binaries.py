"""Which changed files count as binary, judged from the trusted attributes and the bytes.

git takes a file for binary when its attributes say so (``-diff``, ``binary``) or when a NUL
byte sits in its first 8000 bytes. Both are in the author's hands: a change can bring a
``.gitattributes`` of its own, and one NUL byte in a comment makes a 900-line JavaScript module
"binary" (Node runs it all the same). So the decision is made here, the same way whichever git
version runs and whatever attributes the change carries:

1. the trusted attributes decide first: unset ``diff`` (or ``binary``) is binary, a set
   ``diff`` is text;
2. otherwise a NUL byte in either side's first 8000 bytes is binary (git's own test), unless
   the file's name is a source or text file's: then its lines count, and the report says so;
3. anything else is text.

A file git took for binary that is text by these rules is diffed again with ``--text``, up to
``MAX_TEXT_BYTES`` a side; a larger one stays binary, and its size still counts.
"""

from __future__ import annotations

import enum
import posixpath
from collections.abc import Mapping, Sequence


def _words(*lines: str) -> frozenset[str]:
    return frozenset(word for line in lines for word in line.split())


PROBE_BYTES = 8000
"""git's own binary test looks this far for a NUL byte."""
MAX_TEXT_BYTES = 32 << 20
"""Largest side of a file git took for binary that is diffed again as text."""

TEXT_EXTENSIONS = _words(
    "c h cc cpp cxx c++ hh hpp hxx ipp inl m mm cs fs fsx vb java kt kts scala sc groovy gradle",
    "clj cljs cljc edn go rs swift dart zig nim d v sv vhd vhdl",
    "py pyi pyx pxd rb rake gemspec php phtml pl pm t lua r jl ex exs erl hrl hs lhs ml mli",
    "elm purs cr tcl awk sed",
    "js mjs cjs jsx ts mts cts tsx vue svelte astro coffee",
    "sh bash zsh fish ksh csh ps1 psm1 psd1 bat cmd",
    "html htm xhtml xml xsd xsl xslt svg css scss sass less styl",
    "json jsonc json5 yaml yml toml ini cfg conf properties env editorconfig",
    "md mdx markdown rst adoc asciidoc txt text tex bib org csv tsv",
    "sql graphql gql proto thrift avsc tf tfvars hcl nix bzl bazel cmake mk make",
    "ipynb lock sum mod",
)
"""Extensions of source and text files: one of these that git takes for binary is counted."""
TEXT_NAMES = frozenset({
    "Makefile", "GNUmakefile", "Dockerfile", "Containerfile", "Jenkinsfile", "Vagrantfile",
    "Gemfile", "Rakefile", "Procfile", "Brewfile", "BUILD", "WORKSPACE", "CODEOWNERS",
    ".gitattributes", ".gitignore", ".gitmodules", ".dockerignore", ".npmrc", ".bashrc",
    ".env", ".editorconfig",
})


class Decision(str, enum.Enum):
    """What to do where git's binary verdict on a file differs from the trusted one."""

    KEEP = "keep"
    """git's view stands."""
    TEXT = "text"
    """git printed no lines, but the file is text by the rules above: diff it as text."""
    BINARY = "binary"
    """git printed lines, but the trusted attributes call the file binary."""
    TOO_LARGE = "too-large"
    """Text by the rules above, but a side is larger than ``MAX_TEXT_BYTES``: stays binary."""


def has_text_name(path: str) -> bool:
    """Whether the file's name is that of a source or text file."""
    name = posixpath.basename(path)
    if name in TEXT_NAMES:
        return True
    stem, dot, ext = name.rpartition(".")
    return bool(dot and stem) and ext.lower() in TEXT_EXTENSIONS


def has_nul(head: bytes) -> bool:
    """Whether the first ``PROBE_BYTES`` of ``head`` hold a NUL byte."""
    return b"\0" in head[:PROBE_BYTES]


def wants_binary(path: str, attributes: Mapping[str, bool], heads: Sequence[bytes]
                 ) -> tuple[bool, bool]:
    """Whether the file counts as binary, and whether its content holds a NUL byte that the
    name overrules (the file counts as text and the report marks it)."""
    diff = attributes.get("diff")
    if diff is not None:
        return not diff, False
    if not any(has_nul(head) for head in heads):
        return False, False
    if has_text_name(path):
        return False, True
    return True, False


def decide(path: str, git_binary: bool, attributes: Mapping[str, bool],
           heads: Sequence[bytes], sizes: Sequence[int]) -> tuple[Decision, bool]:
    """What to do with a changed file that git did (``git_binary``) or did not call binary,
    given both sides' first bytes and sizes; and whether a NUL byte was overruled."""
    binary, overruled = wants_binary(path, attributes, heads)
    if binary == git_binary:
        return Decision.KEEP, False
    if binary:
        return Decision.BINARY, False
    if any(size > MAX_TEXT_BYTES for size in sizes):
        return Decision.TOO_LARGE, False
    return Decision.TEXT, overruled
