"""Fuzzing of every input gatekeeper reads from outside: bounded runs in CI, long runs on demand."""
