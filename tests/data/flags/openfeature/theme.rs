use open_feature::OpenFeature;

async fn dark() -> bool {
    let client = OpenFeature::singleton().await.create_client();
    client.get_bool_value("rust-of-dark", None, None).await.unwrap_or(false)
}
