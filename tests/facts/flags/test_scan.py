"""The scanner: dynamic keys, look-alikes that are no flag calls, calls over several lines,
one reference per call site, custom patterns, and large inputs."""

from __future__ import annotations

import random

import pytest

from gatekeeper.facts.flags.custom import CustomPattern
from gatekeeper.facts.flags.presets import select
from gatekeeper.facts.flags.scan import FlagRef, Scanner, scan


def keys(path: str, *texts: str, presets: tuple[str, ...] | None = None) -> list[str | None]:
    """The flag keys found in ``texts`` of ``path``, with ``presets``."""
    chosen = None if presets is None else select(presets)
    lines = [(path, n, t) for n, t in enumerate(texts, 1)]
    return [r.key for r in scan(lines, chosen)]


@pytest.mark.parametrize(("path", "text"), [
    ("a.ts", "ldClient.boolVariation(`flag-${region}`, ctx, false)"),
    ("a.ts", "ldClient.boolVariation('flag-' + region, ctx, false)"),
    ("a.ts", "ldClient.boolVariation(FLAGS.NEW_CHECKOUT, ctx, false)"),
    ("a.ts", "ldClient.boolVariation(flagFor(user), ctx, false)"),
    ("a.ts", "ldClient.boolVariation('flag'.toLowerCase(), ctx, false)"),
    ("a.py", 'client.is_enabled(f"checkout-{region}")'.replace("client", "unleash")),
    ("a.py", 'ldclient.get().variation("flag-%s" % region, ctx, False)'),
    ("a.py", 'ldclient.get().variation("flag-{}".format(region), ctx, False)'),
    ("a.rb", "Flipper.enabled?(feature_name, current_user)"),
    ("a.go", "client.BoolVariation(keys.Checkout, user, false)"),
    ("a.cs", 'client.BoolVariation($"flag-{region}", context, false)'),
    ("a.kt", 'client.boolVariation("flag-$region", false)'),
    ("a.html", "{% flag flag_name %}"),
])
def test_a_call_with_a_non_literal_key_is_a_reference_without_a_key(path: str,
                                                                       text: str) -> None:
    assert keys(path, text) == [None]


@pytest.mark.parametrize(("path", "text"), [
    # Same method names, on objects that are no flag client, told apart by their arguments.
    ("a.java", "if (logger.isEnabled(Level.DEBUG)) {"),
    ("a.java", "submit.setEnabled(button.isEnabled());"),
    ("a.kt", 'val port = settings.getValue("port")'),
    ("a.py", "decision = policy.decide(request)"),
    ("a.go", 'cfg := cmd.Flags().String("config", "", "config file")'),
    ("a.go", 'verbose := flag.Bool("v", false, "verbose output")'),
    ("a.ts", "const on = toggle.isOn(state)"),
    ("a.py", 'if config.get_value("fetch", default=unset) is unset:'),
    ("a.js", "const allowPublish = flags['allow-publish']"),
    # Home-grown wrappers with more arguments than the SDK call of the same name.
    ("a.go", "if deps.IsFeatureEnabled(ctx, FeatureFlagCSVOutput) {"),
    ("a.go", 'on := deps.IsFeatureEnabled(context.Background(), "test_flag")'),
    # Methods of the same name that take one argument, where the SDK's take three.
    ("a.py", "assert_almost_equal(stats.variation(x), stats.mstats.variation(xm),"),
    ("a.rb", "spread = stats.variation(samples)"),
    # Definitions, not calls.
    ("a.py", "def flag_is_active(request, flag_name):"),
    ("a.ts", "function isEnabled(name: string): boolean {"),
    ("a.ts", "  isEnabled(name: string, context?: Context) {"),
    # Names in prose and strings, not in call form.
    ("a.ts", "// call boolVariation with the flag key and a fallback"),
    ("a.ts", "const method = 'boolVariation';"),
    ("a.py", '"""Use flag_is_active to check a waffle flag."""'),
    ("a.rb", "# Flipper features are listed in config/flipper.yml"),
    ("a.ts", "ldClient.boolVariation()"),
    ("a.html", "{% endflag %}"),
    # A language the preset does not cover.
    ("a.txt", "ldClient.boolVariation('new-checkout', ctx, false)"),
])
def test_look_alikes_are_no_references(path: str, text: str) -> None:
    assert keys(path, text) == []


@pytest.mark.parametrize(("path", "text", "key"), [
    ("a.rs", 'client.is_feature_enabled("rust-flag".to_string(), id, None, None, None)',
     "rust-flag"),
    ("a.swift", 'client.boolVariation(forKey: "ios-flag", defaultValue: false)', "ios-flag"),
    ("a.py", 'client.get_boolean_value(flag_key="py-flag", default_value=False)', "py-flag"),
    ("a.rb", "Flipper.enabled? :search", "search"),
    ("a.rb", 'Flipper.enabled?(:"quoted-symbol")', "quoted-symbol"),
    ("a.cs", 'gb.GetFeatureValue<int>("retries", 3)', "retries"),
    ("a.ts", "ldClient?.variation('optional-chain', false)", "optional-chain"),
    ("a.php", "$client->variation('php-arrow', $context, false)", "php-arrow"),
    ("a.py", "@waffle_flag('!inverted')", "inverted"),
])
def test_literal_forms_across_languages(path: str, text: str, key: str) -> None:
    assert keys(path, text) == [key]


def test_an_unknown_receiver_counts_a_dynamic_key_only_when_it_looks_like_the_sdk() -> None:
    assert keys("a.java", "unleashClient.isEnabled(toggle)") == [None]
    assert keys("a.java", "this.unleash.isEnabled(Toggles.CHECKOUT)") == [None]
    assert keys("a.java", "features.isEnabled(Toggles.CHECKOUT)") == []
    assert keys("a.java", 'features.isEnabled("literal-toggle")') == ["literal-toggle"]


def test_a_call_whose_key_is_on_the_next_lines_is_found_on_the_call_line() -> None:
    lines = [("a.ts", 10, "const on = await ldClient.boolVariation("),
             ("a.ts", 11, "  'split-key',"),
             ("a.ts", 12, "  context,"),
             ("a.ts", 13, ");")]
    assert scan(lines, select(["launchdarkly"])) == (
        FlagRef("a.ts", 10, "split-key", "launchdarkly", "javascript"),)


def test_lines_that_do_not_follow_on_are_not_joined() -> None:
    gap = [("a.ts", 10, "ldClient.boolVariation("), ("a.ts", 14, "  'far-away',")]
    other = [("a.ts", 10, "ldClient.boolVariation("), ("b.ts", 11, "  'other-file',")]
    assert keys("a.ts", "ldClient.boolVariation(") == []
    assert [r.key for r in scan(gap)] == []
    assert [r.key for r in scan(other)] == []


def test_a_call_on_a_joined_line_is_reported_once_on_its_own_line() -> None:
    lines = [("a.ts", 1, "const a = ldClient.boolVariation("),
             ("a.ts", 2, "  'first', ctx, ldClient.boolVariation('second', ctx, false),")]
    assert [(r.line, r.key) for r in scan(lines)] == [(1, "first"), (2, "second")]


def test_several_calls_on_one_line_are_reported_in_order() -> None:
    text = "if (gb.isOn('a') && ldClient.boolVariation('b', c, false) || gb.isOff('c')) {"
    refs = scan([("a.ts", 3, text)])
    assert [(r.key, r.preset) for r in refs] == [("a", "growthbook"), ("b", "launchdarkly"),
                                                 ("c", "growthbook")]


def test_one_reference_per_call_where_two_presets_match_it() -> None:
    text = 'if Flipper.enabled?("checkout") then'
    both = scan([("a.rb", 1, text)], select(["flipper", "unleash"]))
    assert [(r.key, r.preset) for r in both] == [("checkout", "flipper")]
    reversed_order = scan([("a.rb", 1, text)], select(["unleash", "flipper"]))
    assert [r.key for r in reversed_order] == ["checkout"]


def test_a_known_key_beats_an_unknown_one_at_the_same_call() -> None:
    # Flagsmith reads the first argument, PostHog's Java SDK the second.
    text = 'posthog.isFeatureEnabled(distinctId, "java-flag")'
    refs = scan([("A.java", 1, text)], select(["flagsmith", "posthog"]))
    assert [(r.key, r.preset) for r in refs] == [("java-flag", "posthog")]


def test_only_the_active_presets_are_used() -> None:
    text = "gb.isOn('a'); ldClient.boolVariation('b', c, false)"
    assert keys("a.ts", text, presets=("growthbook",)) == ["a"]
    assert keys("a.ts", text, presets=()) == []


def test_destructured_and_listed_keys_each_become_a_reference() -> None:
    assert keys("a.tsx", "const { a, b: renamed, 'c-d': e, ...rest } = useFlags();") == [
        "a", "b", "c-d"]
    assert keys("a.ts", "client.getTreatments(key, ['x', SOME_FLAG, \"y\"])") == ["x", "y"]
    assert keys("a.ts", "client.getTreatments(key, [FLAG_A, FLAG_B])") == [None]


# -- custom patterns -------------------------------------------------------------------------


def test_a_custom_pattern_applies_to_every_file_unless_it_names_extensions() -> None:
    everywhere = CustomPattern(r"\bFeatures\.on\(\s*'(?P<key>[\w-]+)'")
    python_only = CustomPattern(r"\bfeature\((?P<key>\w+)\)", extensions=(".PY",), name="mine")
    lines = [("a.ts", 1, "Features.on('ts-flag')"), ("b.txt", 2, "Features.on('txt-flag')"),
             ("c.py", 3, "feature(py_flag)"), ("d.rb", 4, "feature(rb_flag)")]
    refs = Scanner(custom=[everywhere, python_only]).scan(lines)
    assert refs == (FlagRef("a.ts", 1, "ts-flag", "custom", "javascript"),
                    FlagRef("b.txt", 2, "txt-flag", "custom", "txt"),
                    FlagRef("c.py", 3, "py_flag", "mine", "python"))


def test_a_custom_pattern_whose_key_group_does_not_take_part_is_a_dynamic_reference() -> None:
    pattern = CustomPattern(r"\bflags\.check\((?:'(?P<key>[\w-]+)'|\w+)\)")
    refs = Scanner(custom=[pattern]).scan([("a.js", 1, "flags.check(name); flags.check('x')")])
    assert [r.key for r in refs] == [None, "x"]


def test_custom_patterns_win_over_presets_at_the_same_call() -> None:
    pattern = CustomPattern(r"boolVariation\('(?P<key>[^']+)'", name="team")
    refs = Scanner(select(["launchdarkly"]), [pattern]).scan(
        [("a.ts", 1, "ldClient.boolVariation('checkout', ctx, false)")])
    assert [(r.key, r.preset) for r in refs] == [("checkout", "team")]


def test_custom_keywords_gate_the_pattern() -> None:
    pattern = CustomPattern(r"(?P<key>\w+)_FLAG\b", keywords=("_FLAG",))
    refs = Scanner(custom=[pattern]).scan([("a.c", 1, "if (CHECKOUT_FLAG) {"),
                                            ("a.c", 2, "int x = 1;")])
    assert [(r.line, r.key) for r in refs] == [(1, "CHECKOUT")]


# -- large inputs ------------------------------------------------------------------------------


def test_ordinary_code_lines_reach_no_pattern() -> None:
    scanner = Scanner(select())
    for path, text in [("a.ts", "const total = items.reduce((s, i) => s + i.price, 0);"),
                       ("a.py", "return {k: v for k, v in mapping.items() if v}"),
                       ("a.go", 'fmt.Println(strings.Repeat("=", 80))'),
                       ("a.java", "private final Map<String, List<Integer>> cache;")]:
        assert scanner._table(path.rsplit(".", 1)[1]).wanted(text) == []


def test_two_hundred_thousand_lines_are_scanned_exactly() -> None:
    rng = random.Random(7)
    filler = ["    const total = items.reduce((sum, item) => sum + item.price, 0);",
              "    if (user && user.isAdmin()) { return renderAdmin(user, options); }",
              "// flags and variations are described in the design document", "", "  }"]
    lines = []
    expected = []
    for i in range(200_000):
        path = f"src/module{i // 5000}.ts"
        if i % 1009 == 0:
            lines.append((path, i, f"const on = ldClient.boolVariation('flag-{i}', c, false);"))
            expected.append(f"flag-{i}")
        else:
            lines.append((path, i, rng.choice(filler)))
    refs = scan(lines)
    assert [r.key for r in refs] == expected


@pytest.mark.parametrize("text", [
    "ldClient.variation(" + "(" * 20_000 + "'a'" + ",x" * 20_000,
    "unleash.isEnabled(" + "a" * 200_000,
    "flag_is_active(" + "x " * 50_000 + ", 'b'",
    "getTreatment(" + "'a', " * 10_000,
    "flag({" + " key" * 50_000,
    "const {" + " a," * 50_000 + " } = useFlags()",
])
def test_hostile_lines_end_without_catastrophic_backtracking(text: str) -> None:
    path = "a.py" if text.startswith("flag_is") else "a.ts"
    refs = scan([(path, 1, text)] * 3)
    assert len(refs) <= 3 * 2
