"""Comment and string-literal syntax of the languages the flag presets cover, in one place.

The flag scan reads a reference only where the code really makes the call: not in a comment,
nor in a string literal (``log("ldclient.variation(...)")``), though it does read the code of
an interpolation (``f"{client.variation('x', ctx, False)}"``). ``gatekeeper.lexing.lexer``
applies this table; ``gatekeeper.gitread.comments`` takes the comment leaders it sieves added
lines with from here too.

Template languages keep their own comments: Django, Jinja and ERB run the template code inside
an HTML ``<!-- -->`` comment, so it is no comment there, while Razor processes no tag helper
inside one (``<feature name="x">``). An HTML attribute value is not a string of the template
language (``{% flag "x" %}``, ``<feature name="x">``). Vue, Svelte and Astro files
mix script and template, so their quotes only keep comment marks inside them from counting,
and their text is read wherever it is not a comment.
"""

from __future__ import annotations

import functools
import re

from gatekeeper.common.records import record


@record
class Quote:
    """A string literal. ``open`` and ``close`` are regular expressions; ``close`` may refer to
    the opener's group ``d`` as ``{d}`` (a raw string's delimiter). ``skip`` is what the
    literal holds that neither ends it nor opens an interpolation (escapes, doubled quotes);
    ``interp`` opens an interpolation, which is code up to its matching ``}`` (``)`` after
    Swift's ``\\(``). ``whole``: ``open`` matches the whole literal (a character literal).
    ``masks``: text inside is not code (False where attribute values hold code)."""

    open: str
    close: str = ""
    skip: str | None = r"\\."
    interp: str | None = None
    multiline: bool = False
    whole: bool = False
    masks: bool = True
    mark: str | None = None
    """Text every opener of a literal that may span lines holds, if ``open`` is costly to
    search for: finding where such literals may open need not look at prefixes."""


@record
class Block:
    """A block comment: ``leader`` is its opening text, ``open`` and ``close`` regexes."""

    leader: str
    open: str
    close: str


@record
class Syntax:
    """The comments and strings of one language family. ``line`` holds line-comment leaders,
    each a literal and the regex that finds it (None: the literal itself)."""

    name: str
    extensions: tuple[str, ...]
    starts: str
    """Every character a comment or a string literal can begin with: the lexer looks closer
    only where one of them stands, which keeps it fast on lines of plain code."""
    line: tuple[tuple[str, str | None], ...] = ()
    blocks: tuple[Block, ...] = ()
    nested: bool = False
    """Whether block comments nest (Rust, Swift, Kotlin, Dart)."""
    quotes: tuple[Quote, ...] = ()


SLASHES = (("//", None),)
C_BLOCK = (Block("/*", r"/\*", r"\*/"),)
HTML_BLOCK = Block("<!--", r"<!--", r"-->")
_ESCAPED = r"\\."
_DOLLAR = r"\$\{"
_BRACE = r"\{(?!\{)"
"""An interpolation opened by one brace, where two are a literal brace (Python, C#)."""
_NAMED = r"(?<![\w$])"
"""Not right after a name: a literal never follows one directly, while an apostrophe in text
does (Don't), as does a Rust lifetime ('a) or a C++ digit separator (1'000)."""
_CHAR = _NAMED + r"'(?:\\[^'\n]{1,10}|[^\\'\n])'"
"""A character literal of the C family: 'a', '\\n', '\\x41', '\\u00e9'."""


def _quotes(*quotes: str, multiline: bool = False, masks: bool = True) -> tuple[Quote, ...]:
    """Quotes that close with their own opener and take backslash escapes."""
    return tuple(Quote(_q(q), re.escape(q), _ESCAPED, None, multiline, masks=masks)
                 for q in quotes)


def _q(quote: str) -> str:
    """An opener that does not follow a name."""
    return _NAMED + re.escape(quote)


def _python() -> tuple[Quote, ...]:
    """Python's literals with their prefixes: r (no escapes), f and t (interpolation), b, u.

    Each opener starts at its quote and looks back for its prefix, so that the lexer looks
    closer only at quotes, not at every f, r, b, u and t of the code.
    """

    def prefixed(*prefixes: str) -> str:
        return "(?:" + "|".join(f"(?<=(?<![\\w$]){p})" for p in prefixes) + ")"

    fmt = prefixed("[fFtT]")
    rawfmt = prefixed("(?:[rR][fFtT]|[fFtT][rR])")
    raw = prefixed("[rR]", "(?:[rR][bB]|[bB][rR])")
    plain = f"(?:{_NAMED}|{prefixed('[uUbB]')})"
    braces = r"\{\{|\}\}"
    found: list[Quote] = []
    for quote in ('"""', "'''", '"', "'"):
        q, multi = re.escape(quote), len(quote) == 3
        found += [
            Quote(fmt + q, q, rf"{braces}|{_ESCAPED}", _BRACE, multi, mark=quote),
            Quote(rawfmt + q, q, braces, _BRACE, multi, mark=quote),
            Quote(raw + q, q, r"\\['\"\\]", None, multi, mark=quote),
            Quote(plain + q, q, _ESCAPED, None, multi, mark=quote),
        ]
    return tuple(found)


def _dart() -> tuple[Quote, ...]:
    found: list[Quote] = []
    for quote in ("'''", '"""', "'", '"'):
        q, multi = re.escape(quote), len(quote) == 3
        found += [Quote(r"(?<![\w$])r" + q, q, None, None, multi),
                  Quote(_NAMED + q, q, _ESCAPED, _DOLLAR, multi)]
    return tuple(found)


SYNTAXES = (
    Syntax("javascript", ("js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts"), "/'\"`", SLASHES,
           C_BLOCK, quotes=(*_quotes("'", '"'), Quote("`", "`", _ESCAPED, _DOLLAR, True))),
    # Script and template in one file: quotes only shield comment marks, as an attribute
    # value (v-if="flags.variation('x', false)") holds code.
    Syntax("single-file-component", ("vue", "svelte", "astro"), "/<'\"", SLASHES,
           (*C_BLOCK, HTML_BLOCK), quotes=_quotes("'", '"', masks=False)),
    Syntax("python", ("py", "pyi"), "#'\"", (("#", None),), quotes=_python()),
    Syntax("django-template", ("html", "htm", "djhtml", "jinja", "jinja2", "j2"), "{", (),
           (Block("{#", r"\{#", r"#\}"),
            Block("{% comment", r"\{%-?\s*comment\b.{0,200}?-?%\}",
                  r"\{%-?\s*endcomment\s*-?%\}"))),
    Syntax("go", ("go",), "/\"`'", SLASHES, C_BLOCK,
           quotes=(*_quotes('"'), Quote("`", "`", None, None, True), Quote(_CHAR, whole=True))),
    Syntax("java", ("java",), "/\"'", SLASHES, C_BLOCK,
           quotes=(*_quotes('"""', multiline=True), *_quotes('"'), Quote(_CHAR, whole=True))),
    Syntax("kotlin", ("kt", "kts"), "/\"'", SLASHES, C_BLOCK, nested=True, quotes=(
        Quote(_q('"""'), '"""', None, _DOLLAR, True), Quote(_q('"'), '"', _ESCAPED, _DOLLAR),
        Quote(_CHAR, whole=True))),
    Syntax("csharp", ("cs",), "/\"'$@", SLASHES, C_BLOCK, quotes=(
        Quote(r'\$+"""', '"""', None, _BRACE, True), Quote(_q('"""'), '"""', None, None, True),
        Quote(r'(?:\$@|@\$)"', '"', r'""|\{\{|\}\}', _BRACE, True),
        Quote('@"', '"', '""', None, True),
        Quote(r'\$"', '"', r"\{\{|\}\}|\\.", _BRACE), *_quotes('"'), Quote(_CHAR, whole=True))),
    Syntax("razor", ("cshtml", "razor"), "@<", (), (Block("@*", r"@\*", r"\*@"), HTML_BLOCK)),
    Syntax("ruby", ("rb", "rake"), "#=\"'", (("#", None),),
           (Block("=begin", r"^=begin\b", r"^=end\b"),),
           quotes=(Quote(_q('"'), '"', _ESCAPED, r"#\{"), *_quotes("'"))),
    Syntax("erb", ("erb",), "<", (), (Block("<%#", r"<%#", r"%>"),)),
    Syntax("php", ("php",), "/#\"'", (("//", None), ("#", r"#(?!\[)")), C_BLOCK,
           quotes=(Quote(_q('"'), '"', _ESCAPED, r"\{(?=\$)"), *_quotes("'"))),
    Syntax("swift", ("swift",), "/#\"", SLASHES, C_BLOCK, nested=True, quotes=(
        Quote(r'(?P<d>#+)"', '"{d}', None, None, True),
        Quote(_q('"""'), '"""', _ESCAPED, r"\\\(", True),
        Quote(_q('"'), '"', _ESCAPED, r"\\\("))),
    Syntax("objc", ("m", "mm"), "/\"'", SLASHES, C_BLOCK,
           quotes=(*_quotes('"'), Quote(_CHAR, whole=True))),
    Syntax("dart", ("dart",), "/'\"r", SLASHES, C_BLOCK, nested=True, quotes=_dart()),
    Syntax("rust", ("rs",), "/\"'bcr", SLASHES, C_BLOCK, nested=True, quotes=(
        Quote(r'(?<![\w$])[bc]?r(?P<d>#*)"', '"{d}', None, None, True),
        Quote(r'(?<![\w$])[bc]?"', '"', _ESCAPED, None, True),
        Quote(r"(?<![\w$])b?'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^\\'\n])'",
              whole=True))),
    Syntax("elixir", ("ex", "exs"), "#\"'", (("#", None),), quotes=(
        Quote(_q('"""'), '"""', _ESCAPED, r"#\{", True),
        Quote(_q("'''"), "'''", _ESCAPED, r"#\{", True),
        Quote(_q('"'), '"', _ESCAPED, r"#\{"), Quote(_q("'"), "'", _ESCAPED, r"#\{"))),
    Syntax("cpp", ("c", "cc", "cpp", "cxx", "h", "hh", "hpp", "hxx"), "/\"'uULR", SLASHES,
           C_BLOCK, quotes=(
        Quote(r'(?<![\w$])(?:u8|[uUL])?R"(?P<d>[^\s()\\]{0,16})\(', r'\){d}"', None, None, True),
        Quote(_NAMED + r'(?:u8|[uUL])?"', '"', _ESCAPED),
        Quote(_NAMED + r"(?:u8|[uUL])?" + _CHAR[len(_NAMED):], whole=True))),
)

EXTRA_LEADERS = ("*", "--", ";", "%", "'", '"""')
"""Leaders the added-comment sieve also knows, beyond the table: a block comment's inner
lines (``*``), SQL, Lua and Haskell (``--``), Lisp and INI (``;``), TeX and Erlang (``%``),
Visual Basic (``'``), and Python docstrings, which read as comments to a person."""
_SIEVED_BLOCKS = ("/*", "<!--")
"""The block leaders the sieve takes: template comments ({#, <%#, @*, =begin) are left out,
as lines that start with {, <, @ or = are common code and would each cost the sieve a call."""


@functools.lru_cache(maxsize=1)
def _by_extension() -> dict[str, Syntax]:
    return {ext: syntax for syntax in SYNTAXES for ext in syntax.extensions}


def syntax_for(extension: str) -> Syntax | None:
    """The syntax of files with this lowercased extension; None for a language not listed."""
    return _by_extension().get(extension)


def comment_leaders() -> tuple[str, ...]:
    """What an added line that holds a comment starts with, in any language listed or not."""
    leaders = {text for syntax in SYNTAXES for text, _ in syntax.line}
    return tuple(sorted(leaders | set(_SIEVED_BLOCKS) | set(EXTRA_LEADERS)))
