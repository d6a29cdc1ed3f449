"""Feature-flag detection: SDK call presets, custom patterns, a line scanner and registries."""
