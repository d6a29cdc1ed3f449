"""Risk-tiered review: the tiers a policy defines and the tier each change gets."""
