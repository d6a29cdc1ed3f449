func enabled(client: FliptEvaluationClient) throws -> Bool {
    return try client.evaluateBoolean(flagKey: "swift-checkout", entityId: "user", evalContext: [:]).enabled
}
