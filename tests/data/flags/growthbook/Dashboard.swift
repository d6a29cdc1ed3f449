func render(gb: GrowthBookSDK) {
    if gb.isOn(feature: "swift-dark-mode") {
        let color = gb.getFeatureValue(feature: "swift-button-color", defaultValue: "blue")
        apply(color)
    }
}
