"""Parsing .gitattributes and applying it folder by folder, as git does."""

from __future__ import annotations

from pathlib import Path

from gatekeeper.gitread import gitattributes
from tests.conftest import make_repo


def test_parse_values_and_skips() -> None:
    lines = gitattributes.parse(
        "# comment\n\n*.pb.go linguist-generated\nvendor/** linguist-vendored=true\n"
        "keep.pb.go -linguist-generated\nnotes.txt !linguist-generated\n"
        "weird.bin binary\n!neg linguist-generated\n*.c text eol=lf\n"
        '"with space.txt" linguist-documentation\n'
    )
    table = {line.glob.pattern: line.values for line in lines}
    assert table["*.pb.go"] == (("linguist-generated", True),)
    assert table["vendor/**"] == (("linguist-vendored", True),)
    assert table["keep.pb.go"] == (("linguist-generated", False),)
    assert table["notes.txt"] == (("linguist-generated", None),)  # unspecified again
    assert table["weird.bin"] == (("binary", True), ("diff", False))  # the built-in macro
    assert table["with space.txt"] == (("linguist-documentation", True),)
    assert "!neg" not in table and "*.c" not in table  # negative patterns and unwatched attrs


def test_deeper_files_and_later_lines_win() -> None:
    files = {
        "": gitattributes.parse("*.js linguist-generated\nsrc/keep.js -linguist-generated\n"),
        "src/gen": gitattributes.parse("*.js -linguist-generated\nout.js linguist-generated\n"),
    }
    assert gitattributes.attributes_for("a.js", files) == {"linguist-generated": True}
    assert gitattributes.attributes_for("src/keep.js", files) == {"linguist-generated": False}
    assert gitattributes.attributes_for("src/gen/x.js", files) == {"linguist-generated": False}
    assert gitattributes.attributes_for("src/gen/out.js", files) == {"linguist-generated": True}
    assert gitattributes.attributes_for("x.py", files) == {}


def test_folder_patterns_do_not_apply_to_contents() -> None:
    # git applies attributes to paths, so "vendor" alone does not mark vendor/x.js
    files = {"": gitattributes.parse("vendor linguist-vendored\n")}
    assert gitattributes.attributes_for("vendor/x.js", files) == {}


def test_folders_of() -> None:
    assert gitattributes.folders_of(["a/b/c.txt", "d.txt", "a/e.txt"]) == ["", "a", "a/b"]


def test_macros_drivers_and_unspecified_values() -> None:
    root = ("[attr]quiet -diff linguist-generated\n*.py quiet\nkeep.py diff=python\n"
            "loud.py !diff\n")
    macros = gitattributes.macros_of(root)
    files = {"": gitattributes.parse(root, macros),
             # a macro defined below the top level is ignored, as git ignores it
             "sub": gitattributes.parse("[attr]hush -diff\n*.txt hush\n*.py !linguist-generated\n",
                                        macros)}
    assert gitattributes.attributes_for("a.py", files) == {"diff": False,
                                                           "linguist-generated": True}
    assert gitattributes.attributes_for("keep.py", files) == {"linguist-generated": True}
    assert gitattributes.attributes_for("loud.py", files) == {"linguist-generated": True}
    assert gitattributes.attributes_for("sub/x.txt", files) == {}
    assert gitattributes.attributes_for("sub/b.py", files) == {"diff": False}


def test_the_macro_matches_what_git_check_attr_says(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    root = "[attr]quiet -diff\n*.py quiet\nkeep.py diff=python\n*.bin binary\nloud.py !diff\n"
    repo.write(".gitattributes", root)
    repo.write("sub/.gitattributes", "[attr]hush -diff\n*.txt hush\n")
    paths = ["a.py", "keep.py", "loud.py", "x.bin", "sub/y.txt"]
    said = repo.git("check-attr", "diff", "--", *paths)
    git = {line.split(": ")[0]: line.split(": ")[2] for line in said.splitlines()}
    macros = gitattributes.macros_of(root)
    files = {"": gitattributes.parse(root, macros),
             "sub": gitattributes.parse("[attr]hush -diff\n*.txt hush\n", macros)}
    ours = {p: gitattributes.attributes_for(p, files).get("diff") for p in paths}
    expected = {"unset": False, "set": True, "unspecified": None, "python": None}
    assert ours == {p: expected[git[p]] for p in paths}
