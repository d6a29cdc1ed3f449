func enabled(client: FliptClient) throws -> Bool {
    let result = try client.evaluateBoolean(
        flagKey: "swift-checkout",
        entityId: "user-123",
        context: ["plan": "pro"]
    )
    return result.enabled
}
