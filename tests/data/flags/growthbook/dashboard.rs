fn render(client: &GrowthBookClient) {
    if client.is_on("rust-premium", None) {
        let timeout = client.feature_result("rust-api-timeout", None);
        apply(timeout);
    }
}
