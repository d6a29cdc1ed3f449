fn show(flagsmith: &Flagsmith) -> bool {
    let flags = flagsmith.get_environment_flags().unwrap();
    let colour = flags.get_feature_value_as_string("rust-button-colour").unwrap();
    flags.is_feature_enabled("rust-secret-button").unwrap()
}
