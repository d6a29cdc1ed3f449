import FlagsmithClient

func show() {
    Flagsmith.shared.hasFeatureFlag(withID: "swift-secret-button", forIdentity: nil) { result in
        print(result)
    }
}
