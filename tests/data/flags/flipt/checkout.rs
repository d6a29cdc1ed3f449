fn enabled(client: &FliptEvaluator, context: HashMap<String, String>) -> bool {
    client
        .evaluate_boolean(&EvaluationRequest { flag_key: "rust-checkout".into(), entity_id: "user".into(), context })
        .map(|r| r.enabled)
        .unwrap_or(false)
}
