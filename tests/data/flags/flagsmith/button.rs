fn show(flagsmith: &Flagsmith) -> bool {
    let flags = flagsmith.get_environment_flags().unwrap();
    flags.is_feature_enabled("rust-secret-button").unwrap()
}
