"""Coverage: reports read, mapped to the repository, and judged on changed lines."""
