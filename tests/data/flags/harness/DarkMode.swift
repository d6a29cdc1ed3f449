func load() {
    CfClient.sharedInstance.boolVariation(evaluationId: "swift-dark-mode", defaultValue: false) { evaluation in
        apply(evaluation)
    }
}
