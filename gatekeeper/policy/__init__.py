"""The policy: its pydantic model and the loader that reads it from YAML."""
