class Button {
    boolean show(FlagsmithClient client) throws FlagsmithClientError {
        Flags flags = client.getEnvironmentFlags();
        return flags.isFeatureEnabled("java-secret-button");
    }
}
