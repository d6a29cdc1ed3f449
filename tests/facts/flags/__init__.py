"""Tests of feature-flag detection."""
