use launchdarkly_server_sdk::{Client, ContextBuilder};

fn checkout(client: &Client) -> bool {
    let context = ContextBuilder::new("user-key-123").build().unwrap();
    let enabled = client.bool_variation(&context, "rust-checkout", false);
    let title = client.str_variation(&context, "rust-title", "Shop".to_string());
    enabled && !title.is_empty()
}
