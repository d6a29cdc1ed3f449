func treatment(client: SplitClient?) -> String? {
    let many = client?.getTreatments(splits: ["swift-header", "swift-footer"], attributes: nil)
    return client?.getTreatment("swift-checkout")
}
