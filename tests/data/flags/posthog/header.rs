async fn show(client: &posthog_rs::Client) -> bool {
    client.is_feature_enabled(
        "rust-new-header".to_string(),
        "distinct_id_of_your_user".to_string(),
        None, None, None,
    ).await.unwrap()
}
