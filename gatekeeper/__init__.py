"""gatekeeper: a policy-as-code quality gate for change sets."""

import os

__version__ = "0.1.0"

# pydantic loads, inside this process, the plugins that any installed package names in its
# entry points. In a PR job the change may have installed packages before gatekeeper runs,
# and none of its code may run here; nor need a run scan every installed package's metadata.
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
