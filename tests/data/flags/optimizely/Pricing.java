class Pricing {
    boolean enabled(OptimizelyUserContext user) {
        OptimizelyDecision decision = user.decide("java-pricing-page");
        return decision.getEnabled();
    }
}
