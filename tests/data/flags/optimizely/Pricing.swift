func enabled(user: OptimizelyUserContext) -> Bool {
    return user.decide(key: "swift-pricing-page").enabled
}
