import OpenFeature

func dark() -> Bool {
    let client = OpenFeatureAPI.shared.getClient()
    return client.getBooleanValue(key: "swift-of-dark", defaultValue: false)
}
