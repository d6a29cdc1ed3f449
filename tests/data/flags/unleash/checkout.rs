use unleash_api_client::Client;

fn fast(client: &Client<UserFeatures, HttpClient>) -> bool {
    client.is_enabled(UserFeatures::FastCheckout, None, false)
        || client.is_enabled_str("rust-fast-checkout", None, false)
}
