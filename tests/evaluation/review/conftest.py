"""The local API server of the approvals tests, for the enforcement tests here."""

from tests.facts.approvals.conftest import api, no_proxy

__all__ = ["api", "no_proxy"]
