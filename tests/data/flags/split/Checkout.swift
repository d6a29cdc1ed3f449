func treatment(client: SplitClient?) -> String? {
    return client?.getTreatment("swift-checkout")
}
