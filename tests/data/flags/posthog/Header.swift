func show() -> Bool {
    return PostHogSDK.shared.isFeatureEnabled("swift-new-header")
}
