func enabled(client: ConfigCatClient) async -> Bool {
    return await client.getValue(for: "swiftAwesomeFeature", defaultValue: false)
}
