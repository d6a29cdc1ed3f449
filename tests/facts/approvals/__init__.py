"""Tests of the approvals client against a real local HTTP server."""
