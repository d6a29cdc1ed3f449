"""Parsing .gitattributes and applying it folder by folder, as git does."""

from __future__ import annotations

from gatekeeper import gitattributes


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
    assert table["notes.txt"] == (("linguist-generated", False),)
    assert table["weird.bin"] == (("binary", True),)
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
