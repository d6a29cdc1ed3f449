"""A package the change installed cannot run inside gatekeeper as a pydantic plugin.

pydantic loads every plugin an installed package names under its ``pydantic`` entry point
group while it builds validators. A PR job that installs the change (``pip install .``) before
gatekeeper runs would otherwise hand the change's code gatekeeper's process, its policy and
its token.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import GIT_ENV, make_repo

PLUGIN = """
import os, pathlib
pathlib.Path(os.environ["PLUGIN_RAN"]).write_text("loaded")

class Plugin:
    def new_schema_validator(self, *args, **kwargs):
        return None, None, None

plugin = Plugin()
"""


def _installed_plugin(site: Path) -> None:
    """A package on the path that names a pydantic plugin, as ``pip install`` would leave it."""
    site.mkdir()
    (site / "hostile_plugin.py").write_text(PLUGIN)
    info = site / "hostile_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hostile-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nhostile = hostile_plugin:plugin\n")


def test_an_installed_pydantic_plugin_never_loads(tmp_path: Path) -> None:
    site, marker = tmp_path / "site", tmp_path / "ran"
    _installed_plugin(site)
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(site), "PLUGIN_RAN": str(marker)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    # The plugin is real: a plain pydantic model in the same environment loads it.
    model = "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\nM(x=1)\n"
    subprocess.run([sys.executable, "-c", model], env=env, check=True)
    assert marker.read_text() == "loaded"
    marker.unlink()

    repo = make_repo(tmp_path / "repo")
    repo.write("a.py", "x = 1\n")
    base = repo.commit("base")
    repo.write(".gatekeeper.yml", "version: 1\nrules:\n  - {id: size, kind: batch-size, "
                                  "max_effective_lines: 10}\n")
    repo.write("b.py", "y = 2\n")
    repo.commit("change")
    for args in (["check", "--base", base], ["validate", ".gatekeeper.yml"], ["schema"]):
        done = subprocess.run([sys.executable, "-m", "gatekeeper", *args], cwd=repo.path,
                              env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        assert not marker.exists(), args
