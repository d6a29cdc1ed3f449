async fn enabled(client: &FliptClient, context: HashMap<String, String>) -> bool {
    client
        .evaluation
        .boolean(&EvaluationRequest {
            namespace_key: "default".into(),
            flag_key: "rust-checkout".into(),
            entity_id: "user".into(),
            context,
            reference: None,
        })
        .await
        .map(|r| r.enabled)
        .unwrap_or(false)
}
