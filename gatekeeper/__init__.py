"""gatekeeper: a policy-as-code quality gate for change sets."""

__version__ = "0.1.0"
