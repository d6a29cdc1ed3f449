func enabled(client: ConfigCatClient) async -> Bool {
    let details = await client.getValueDetails(for: "swiftDetailsFeature", defaultValue: false)
    client.getBoolValue(for: "swiftTypedFeature", defaultValue: false, user: nil) { value in
        print(value, details.value)
    }
    return await client.getValue(for: "swiftAwesomeFeature", defaultValue: false)
}
