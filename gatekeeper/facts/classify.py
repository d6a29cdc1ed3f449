"""File classification: generated, lockfile, vendored, test, docs, and classes a policy adds."""

from __future__ import annotations

import re
from collections.abc import Mapping

from gatekeeper.common.globs import PathSet
from gatekeeper.common.records import record

GENERATED = "generated"
LOCKFILE = "lockfile"
VENDORED = "vendored"
TEST = "test"
DOCS = "docs"
POLICY = "policy"
GITATTRIBUTES = "gitattributes"
CODEOWNERS = "codeowners"
CI_CONFIG = "ci-config"
SENSITIVE = (POLICY, GITATTRIBUTES, CODEOWNERS, CI_CONFIG)
"""Files that change how the gate itself judges, who must review, or what CI runs: a change
touching them can weaken the checks, so policies may ask more of it."""
BUILTIN_CLASSES = (GENERATED, LOCKFILE, VENDORED, TEST, DOCS, *SENSITIVE)
REVIEW_EXCLUDED = (GENERATED, LOCKFILE, VENDORED)
"""Classes whose files a reviewer does not read line by line; they leave the effective totals."""

BUILTIN_PATTERNS: dict[str, tuple[str, ...]] = {
    LOCKFILE: (
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock",
        "bun.lockb", "deno.lock", "poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock",
        "pixi.lock", "conda-lock.yml", "Cargo.lock", "go.sum", "go.work.sum", "Gemfile.lock",
        "gems.locked", "composer.lock", "Podfile.lock", "Package.resolved", "Cartfile.resolved",
        "packages.lock.json", "paket.lock", "gradle.lockfile", "*.gradle.lockfile",
        "flake.lock", "mix.lock", "pubspec.lock", "rebar.lock", "MODULE.bazel.lock",
        ".terraform.lock.hcl", "cabal.project.freeze", "stack.yaml.lock", "renv.lock",
    ),
    VENDORED: (
        "vendor/", "vendors/", "third_party/", "third-party/", "thirdparty/", "3rdparty/",
        "node_modules/", "bower_components/", "Godeps/_workspace/", ".yarn/releases/",
    ),
    GENERATED: ("*.min.js", "*.min.css", "*.min.map", "*.js.map", "*.css.map"),
    TEST: (
        "test/", "tests/", "testing/", "__tests__/", "spec/", "specs/", "e2e/",
        "test_*.py", "*_test.py", "conftest.py", "*_test.go", "*.test.[jt]s", "*.test.[jt]sx",
        "*.spec.[jt]s", "*.spec.[jt]sx", "*.test.mjs", "*.spec.mjs", "*_spec.rb", "*_test.rb",
        "*Test.java", "*Tests.java", "*IT.java", "*Test.kt", "*Tests.cs", "*Test.php",
        "*_test.rs", "*_test.exs", "*Tests.swift", "__snapshots__/", "testdata/",
    ),
    POLICY: (".gatekeeper.yml", ".gatekeeper.yaml", ".gatekeeper/", "*.gatekeeper.yml"),
    GITATTRIBUTES: (".gitattributes",),
    CODEOWNERS: ("/CODEOWNERS", "/.github/CODEOWNERS", "/docs/CODEOWNERS", "/.gitlab/CODEOWNERS"),
    CI_CONFIG: (
        "/.github/workflows/", "/.github/actions/", "/action.yml", "/action.yaml",
        "/.gitlab-ci.yml", "/.gitlab/ci/", "/.circleci/", "/Jenkinsfile", "/.travis.yml",
        "/azure-pipelines.yml", "/.azure-pipelines/", "/bitbucket-pipelines.yml",
        "/.buildkite/", "/.drone.yml", "/.woodpecker/", "/.woodpecker.yml",
        "/.pre-commit-config.yaml", "/.pre-commit-hooks.yaml", "/.ci/",
    ),
    DOCS: (
        "docs/", "doc/", "documentation/", "*.md", "*.mdx", "*.rst", "*.adoc", "*.asciidoc",
        "README", "README.*", "CHANGELOG*", "CHANGES*", "HISTORY*", "NEWS*",
        "AUTHORS*", "CONTRIBUTING*", "LICENSE*", "LICENCE*", "NOTICE*", "man/",
    ),
}

_ATTRIBUTE_CLASS = {
    "linguist-generated": GENERATED,
    "linguist-vendored": VENDORED,
    "linguist-documentation": DOCS,
}
_CLASS_ATTRIBUTE = {cls: attr for attr, cls in _ATTRIBUTE_CLASS.items()}
"""The attribute that decides each class, for the classes one decides."""

# The two documented conventions for marking a generated file, and no other wording:
# - Go's line, https://go.dev/s/generatedcode: "^// Code generated .* DO NOT EDIT\.$", before
#   the first text that is neither comment nor blank (the cmd/go documentation);
# - the @generated tag in the file's leading comment (Meta's convention, https://generated.at).
# Prose that merely mentions them (a docstring explaining "files that carry an @generated
# marker") is not a banner: a docstring is code, and the leading comment block ends before it.
_GO_BANNER = re.compile(r"// Code generated .* DO NOT EDIT\.")
_TAG = re.compile(r"(?<![\w@])@generated\b")
_LINE_COMMENT = re.compile(r"\s*(?://|#|--|;|%)")
_BLOCKS = {"/*": "*/", "<!--": "-->", "(*": "*)", "{-": "-}"}
_PROLOGUE = re.compile(r"\s*<\?(?:php|xml)\b")
"""A first line that opens a PHP file or declares an XML one, before its leading comment."""


def leading_comment(header: str) -> list[str]:
    """The lines of the comment block a file opens with (after a PHP or XML prologue): line
    comments, block comments and blank lines, up to the first line holding anything else."""
    found: list[str] = []
    closer: str | None = None
    for number, line in enumerate(header.splitlines()):
        if closer is not None:
            body, stop, closer = _in_block(line, closer)
            found.append(body)
            if stop:
                break
            continue
        stripped = line.strip()
        if not stripped or _LINE_COMMENT.match(line) or (number == 0 and _PROLOGUE.match(line)):
            found.append(line)
            continue
        opener = next((o for o in _BLOCKS if stripped.startswith(o)), None)
        if opener is None:
            break
        body, stop, closer = _in_block(stripped[len(opener):], _BLOCKS[opener])
        found.append(body)
        if stop:
            break
    return found


def _in_block(text: str, closer: str) -> tuple[str, bool, str | None]:
    """The comment text of ``text`` up to ``closer``; whether code follows the comment on the
    same line, which ends the leading block; and the closer still awaited (None once closed)."""
    body, ends, tail = text.partition(closer)
    return body, bool(ends and tail.strip()), None if ends else closer


def has_generated_banner(header: str) -> bool:
    """Whether the file opens with a generator's banner: Go's line or an ``@generated`` tag in
    its leading comment."""
    for line in leading_comment(header):
        if _GO_BANNER.fullmatch(line.rstrip("\r")) or _TAG.search(line):
            return True
    return False


@record
class ClassSpec:
    """How one class is decided: policy globs that add or remove paths, and the built-ins."""

    include: tuple[str, ...] = ()
    builtin: bool = True


_NONE: frozenset[str] = frozenset()
_GENERATED_ONLY = frozenset({GENERATED})


class Classifier:
    """Gives each path its classes: policy globs beat .gitattributes, which beats the defaults."""

    def __init__(self, specs: Mapping[str, ClassSpec] | None = None) -> None:
        specs = dict(specs or {})
        self.classes: dict[str, tuple[PathSet, PathSet, bool]] = {}
        for name in (*BUILTIN_CLASSES, *sorted(set(specs) - set(BUILTIN_CLASSES))):
            spec = specs.get(name, ClassSpec())
            builtin = spec.builtin and name in BUILTIN_CLASSES
            policy = PathSet(spec.include)
            defaults = PathSet(BUILTIN_PATTERNS.get(name, ()) if builtin else ())
            self.classes[name] = (policy, defaults, builtin)
        # One expression for every class's defaults: most paths match none, and then one
        # match stands for one per class (on 50,000 files the per-class ones took seconds).
        self._any_default = PathSet([g.pattern for _, defaults, _ in self.classes.values()
                                     for g in defaults.globs])
        # Without policy globs, a path that no default matches and no attribute names can be
        # in one class only: generated, by its banner (most paths of a large change).
        self._defaults_only = not any(policy for policy, _, _ in self.classes.values())

    def classify(
        self, path: str, attributes: Mapping[str, bool], header: str | None
    ) -> frozenset[str]:
        """The classes of ``path``, given its .gitattributes and the start of its text."""
        some_default = self._any_default.matches(path)
        if not some_default and not attributes and self._defaults_only:
            banner = self.classes[GENERATED][2] and header is not None \
                and has_generated_banner(header)
            return _GENERATED_ONLY if banner else _NONE
        found = set()
        for name, (policy, defaults, builtin) in self.classes.items():
            if self._decide(name, path, attributes, header, policy,
                            defaults if some_default else None, builtin):
                found.add(name)
        return frozenset(found)

    @staticmethod
    def _decide(name: str, path: str, attributes: Mapping[str, bool], header: str | None,
                policy: PathSet, defaults: PathSet | None, builtin: bool) -> bool:
        """Whether ``path`` is in class ``name``; ``defaults`` is None when no class's
        defaults match the path."""
        # A policy pattern decides outright, whether it includes (glob) or excludes (!glob).
        for glob in reversed(policy.globs):
            if glob.matches(path):
                return not glob.negated
        if not builtin:
            return False
        attr = _CLASS_ATTRIBUTE.get(name)
        if attr is not None and attr in attributes:
            return attributes[attr]
        if defaults is not None and defaults.matches(path):
            return True
        return name == GENERATED and header is not None and has_generated_banner(header)
