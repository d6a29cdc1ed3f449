"""Detection of AI provenance: the evidence coding tools and agents leave in git history."""
