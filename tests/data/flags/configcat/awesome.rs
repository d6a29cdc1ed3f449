async fn awesome(client: &Client, user: User) -> bool {
    let details = client.get_value_details("rustDetailsFeature", false, Some(user)).await;
    client.get_value("rustAwesomeFeature", false, None).await && details.value
}
