fun enabled(user: OptimizelyUserContext): Boolean = user.decide("kotlin-pricing-page").enabled
