import FlagsmithClient

func show() async throws {
    Flagsmith.shared.hasFeatureFlag(withID: "swift-secret-button", forIdentity: nil) { result in
        print(result)
    }
    let colour = try await Flagsmith.shared.getFeatureValue(withID: "swift-button-colour")
    print(colour as Any)
}
