"""Comments and string literals per language: a flag call there is no call.

Each language the flag presets cover gets a real call of one of its SDKs (from the snippets
in tests/data/flags), which the scan must find in code and must not find in that language's
comments, written out here from each language's own documentation rather than read back from
the syntax table.
"""

from __future__ import annotations

import random
import re
import time

import pytest

from gatekeeper.facts.flags.presets import builtin, extension_of
from gatekeeper.facts.flags.scan import FlagRef, scan
from gatekeeper.gitread.comments import _LEADERS
from gatekeeper.lexing.lexer import Lexed, State, language
from gatekeeper.lexing.lexfile import lex_lines
from gatekeeper.lexing.syntax import SYNTAXES, Syntax, syntax_for

# extension: (a real call, its key, the line-comment leader, a block comment's open and close)
LANGUAGES: dict[str, tuple[str, str, str | None, tuple[str, str] | None]] = {
    "py": ("enabled = client.get_value('py-key', False, user)", "py-key", "#", None),
    "js": ("if (waffle.flag('js-key')) {", "js-key", "//", ("/*", "*/")),
    "ts": ("const on = await client.getValueAsync('ts-key', false, user);", "ts-key", "//",
           ("/*", "*/")),
    "tsx": ("const { value } = useFeatureFlag('tsx-key', false);", "tsx-key", "//",
            ("{/*", "*/}")),
    "vue": ("const show = useLDFlag('vue-key', false);", "vue-key", "//", ("<!--", "-->")),
    "svelte": ("const show = useLDFlag('svelte-key', false);", "svelte-key", "//",
               ("/*", "*/")),
    "go": ('on := client.GetBoolValue("go-key", false, user)', "go-key", "//", ("/*", "*/")),
    "java": ('return client.getValue(Boolean.class, "java-key", false);', "java-key", "//",
             ("/*", "*/")),
    "kt": ('val on = client.getValue(Boolean::class.java, "kt-key", false)', "kt-key", "//",
           ("/*", "*/")),
    "cs": ('var on = client.GetValue("cs-key", false);', "cs-key", "//", ("/*", "*/")),
    "swift": ('let d = await client.getValueDetails(for: "swift-key", defaultValue: false)',
              "swift-key", "//", ("/*", "*/")),
    "m": ('[client getBoolValueFor:@"objc-key" defaultValue:NO user:nil];', "objc-key", "//",
          ("/*", "*/")),
    "dart": ("return await client.getValue(key: 'dart-key', defaultValue: false);",
             "dart-key", "//", ("/*", "*/")),
    "rs": ('let d = client.get_value_details("rs-key", false, Some(user)).await;', "rs-key",
           "//", ("/*", "*/")),
    "cpp": ('auto d = client->getValueDetails("cpp-key", false, user);', "cpp-key", "//",
            ("/*", "*/")),
    "hpp": ('return client.BoolVariation("hpp-key", false);', "hpp-key", "//", ("/*", "*/")),
    "php": ("$on = $client->getValue('php-key', false);", "php-key", "#", ("/*", "*/")),
    "rb": ("on = configcat_client.get_value('rb-key', false)", "rb-key", "#",
           ("=begin", "=end")),
    "ex": ('def on?, do: ConfigCat.get_value("ex-key", false)', "ex-key", "#", None),
    "html": ('{% flag "html-key" %}', "html-key", None, ("{% comment %}", "{% endcomment %}")),
    "jinja": ("{% if waffle.flag('jinja-key') %}", "jinja-key", None, ("{#", "#}")),
    "erb": ("<% if Flipper.enabled?(:erb_key, current_user) %>", "erb_key", None,
            ("<%#", "%>")),
    "cshtml": ('<feature name="cshtml-key">', "cshtml-key", None, ("@*", "*@")),
}


def keys(*lines: str, path: str = "src/file") -> list[str | None]:
    """The flag keys found in ``lines`` of ``path``, numbered from 1."""
    refs: tuple[FlagRef, ...] = scan([(path, n, text) for n, text in enumerate(lines, 1)])
    return [r.key for r in refs]


def test_every_language_the_presets_cover_has_a_syntax_and_a_case_here() -> None:
    extensions = set(builtin().by_extension)
    assert {e for e in extensions if syntax_for(e) is None} == set()
    covered = {builtin().by_extension[e] for e in LANGUAGES}
    assert covered == set(builtin().languages)


@pytest.mark.parametrize("ext", sorted(LANGUAGES))
def test_the_call_counts_in_code_and_not_in_a_line_comment(ext: str) -> None:
    call, key, leader, _block = LANGUAGES[ext]
    path = f"src/file.{ext}"
    assert keys(call, path=path) == [key]
    if leader is not None:
        assert keys(f"{leader} TODO: {call}", path=path) == []
        assert keys(f"    {leader}{call}", path=path) == []


@pytest.mark.parametrize("ext", sorted(e for e, case in LANGUAGES.items() if case[3]))
def test_a_block_comment_hides_the_call_across_lines_of_a_hunk(ext: str) -> None:
    call, key, _leader, block = LANGUAGES[ext]
    assert block is not None
    opener, closer = block
    path = f"src/file.{ext}"
    assert keys(opener, call, closer, path=path) == []
    # After the comment closes, code again; after a gap the diff leaves out, too.
    assert keys(opener, "", closer, call, path=path) == [key]
    if ext != "rb":  # =begin and =end stand at the start of their own lines
        assert keys(f"{opener} {call} {closer}", path=path) == []
        assert keys(f"{opener} x {closer}{call}", path=path) == [key]
    lines = [(path, 1, opener), (path, 9, call)]
    assert [r.key for r in scan(lines)] == [key]


@pytest.mark.parametrize(("path", "line"), [
    ("a.py", """log.info('see client.variation("k", ctx, False)')"""),
    ("a.py", '"""Call ldclient.get().variation("k", ctx, False) later."""'),
    ("a.py", "x = r'client.variation(\"k\", ctx, False)'"),
    ("a.ts", """console.log("client.variation('k', ctx, false)")"""),
    ("a.ts", "const doc = `client.variation('k', ctx, false)`"),
    ("a.go", 'doc := `client.BoolVariation("k", ctx, false)`'),
    ("a.java", 'log("client.boolVariation(\\"k\\", ctx, false)");'),
    ("a.cs", 'var s = @"client.BoolVariation(""k"", ctx, false)";'),
    ("a.rb", """puts 'client.variation("k", ctx, false)'"""),
    ("a.php", """echo 'client->variation("k", $ctx, false)';"""),
    ("a.rs", 'let s = r#"client.bool_variation(&ctx, "k", false)"#;'),
    ("a.swift", 'print(#"client.boolVariation(forKey: "k", defaultValue: false)"#)'),
    ("a.kt", 'val s = """client.boolVariation("k", ctx, false)"""'),
    ("a.dart", """print("client.boolVariation('k', false)");"""),
    ("a.ex", """IO.puts ~s(x) <> "FeatureFlags.check('k')" """),
    ("a.cpp", 'auto s = R"(client.BoolVariation(ctx, "k", false))";'),
])
def test_a_call_written_inside_a_string_literal_is_no_call(path: str, line: str) -> None:
    assert keys(line, path=path) == []


@pytest.mark.parametrize(("path", "line"), [
    ("a.py", """log.info(f"on={client.variation('k', ctx, False)}")"""),
    ("a.ts", "const s = `on=${client.variation('k', ctx, false)}`"),
    ("a.kt", 'val s = "on=${client.boolVariation("k", ctx, false)}"'),
    ("a.swift", 'print("on=\\(client.boolVariation(forKey: "k", defaultValue: false))")'),
    ("a.rb", """puts "on=#{client.variation('k', ctx, false)}" """),
    ("a.cs", 'var s = $"on={client.BoolVariation("k", ctx, false)}";'),
    ("a.dart", """print("on=${client.boolVariation('k', false)}");"""),
    ("a.php", """echo "on={$client->variation('k', $ctx, false)}";"""),
])
def test_an_interpolation_in_a_string_is_code(path: str, line: str) -> None:
    assert keys(line, path=path) == ["k"]


def test_template_languages_run_their_code_inside_html_comments() -> None:
    """Django and ERB evaluate template code inside <!-- -->; only their own comments hide it.
    Razor applies no tag helper inside one. Vue drops HTML comments; its attributes are code."""
    assert keys('<!-- {% flag "k" %} -->', path="a.html") == ["k"]
    assert keys('{# {% flag "k" %} #}', path="a.html") == []
    assert keys("<!-- <% if Flipper.enabled?(:k) %> -->", path="a.erb") == ["k"]
    assert keys('<!-- <feature name="k"> -->', path="a.cshtml") == []
    assert keys('<a href="https://x">{% flag "k" %}</a>', path="a.html") == ["k"]
    assert keys("<div v-if=\"ldClient.variation('k', ctx, false)\">", path="a.vue") == ["k"]
    assert keys("<!-- <div v-if=\"ldClient.variation('k', ctx, false)\"> -->",
                path="a.vue") == []
    assert keys('<a href="https://x">x</a> <b>{{ useLDFlag(\'k\', false) }}</b>',
                path="a.vue") == ["k"]


def test_apostrophes_lifetimes_and_quotes_that_open_nothing_leave_code_alone() -> None:
    assert keys("<p>Don't</p>{useLDFlag('k', false) && <New />}", path="a.tsx") == ["k"]
    assert keys("fn f<'a>(c: &'a Client) -> bool { c.bool_variation(&ctx, \"k\", false) }",
                path="a.rs") == ["k"]
    assert keys("int n = 1'000; c.BoolVariation(ctx, \"k\", false);", path="a.cpp") == ["k"]


def test_a_docstring_opened_on_one_added_line_runs_on() -> None:
    assert keys('"""Usage:', '    client.variation("k", ctx, False)', '"""',
                'client.variation("j", ctx, False)', path="a.py") == ["j"]


def test_custom_patterns_may_match_in_strings_but_not_in_comments() -> None:
    from gatekeeper.facts.flags.custom import CustomPattern

    custom = [CustomPattern(r'"(?P<key>FF_[A-Z_]+)"', ("py",))]
    assert [r.key for r in scan([("a.py", 1, 'os.environ["FF_NEW"]')], (), custom)] == ["FF_NEW"]
    assert [r.key for r in scan([("a.py", 1, '# os.environ["FF_NEW"]')], (), custom)] == []


def test_lexing_stays_linear_on_hostile_lines() -> None:
    """Unclosed quotes, comment marks and interpolations by the hundred thousand."""
    size = 50_000
    hostile = ["'" * size, '"' * size, "/*" * (size // 2), "`${" * (size // 3),
               "'a" * (size // 2), 'f"{' * (size // 3), "r#\"" * (size // 3), "\\" * size]
    for ext in ("ts", "py", "rs", "cs", "swift", "rb", "html", "vue"):
        for text in hostile:
            start = time.perf_counter()
            lex_lines([(f"a.{ext}", 1, text), (f"a.{ext}", 2, text)], extension_of)
            assert time.perf_counter() - start < 2.0, (ext, text[:6])


def test_the_comment_sieve_takes_its_leaders_from_the_syntax_table() -> None:
    leaders = {leader.decode() for leader in _LEADERS}
    for syntax in SYNTAXES:
        assert {text for text, _ in syntax.line} <= leaders
    assert {"/*", "<!--"} <= leaders


FRAGMENTS = ("//", "#", "/*", "*/", "<!--", "-->", "{#", "#}", "{% comment %}",
             "{% endcomment %}", "=begin", "=end", "@*", "*@", "<%#", "%>", "'", '"', '"""',
             "'''", "`", "${", "#{", "\\(", "{", "}", "(", ")", "\\", "f", "r", "b", "rb",
             "u8R\"x(", ")x\"", "r#\"", "\"#", "$@\"", "@\"", "$\"", "L'a'", "'a'", "x", " ",
             "[", "$", "client.variation('k', c, false)")


def random_file(rng: random.Random, ext: str, lines: int) -> list[tuple[str, int, str]]:
    """``lines`` random added lines of an ``.ext`` file, with gaps as hunks leave."""
    number, found = 0, []
    for _ in range(lines):
        number += 1 if rng.random() < 0.85 else rng.randint(2, 5)  # gaps, as hunks leave
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 8)))
        found.append((f"a.{ext}", number, ("=begin" if rng.random() < 0.03 else "") + text))
    return found


def line_by_line(lines: list[tuple[str, int, str]]) -> list[Lexed | None]:
    """The plain reading: every line from where the one before left off, afresh after a gap."""
    found: list[Lexed | None] = []
    state, last = State(), None
    for path, number, text in lines:
        if last is not None and number != last + 1:
            state = State()
        lang = language(extension_of(path))
        assert lang is not None
        found.append(lang.lex(text, state))
        last = number
    return found


@pytest.mark.parametrize("syntax", SYNTAXES, ids=lambda s: s.name)
def test_reading_only_the_wanted_lines_gives_what_reading_all_of_them_does(
        syntax: Syntax) -> None:
    rng = random.Random(syntax.name)
    ext = syntax.extensions[0]
    for _ in range(150):
        lines = random_file(rng, ext, rng.randint(1, 30))
        everything = lex_lines(lines, extension_of)
        assert everything == line_by_line(lines)
        wanted = {i for i in range(len(lines)) if rng.random() < 0.2}
        some = lex_lines(lines, extension_of, wanted)
        assert [some[i] for i in sorted(wanted)] == [everything[i] for i in sorted(wanted)]
        assert all(some[i] is None for i in range(len(lines)) if i not in wanted)


@pytest.mark.parametrize("syntax", SYNTAXES, ids=lambda s: s.name)
def test_every_opener_starts_with_a_character_the_syntax_lists(syntax: Syntax) -> None:
    lang = language(syntax.extensions[0])
    assert lang is not None
    plain = re.compile(lang.openers)
    rng = random.Random(syntax.name)
    for _ in range(400):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 10)))
        for pos in range(len(text)):
            fast, slow = lang.code.search(text, pos), plain.search(text, pos)
            assert (fast and (fast.span(), fast.lastgroup)) == \
                (slow and (slow.span(), slow.lastgroup)), (text, pos)
