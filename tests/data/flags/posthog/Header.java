class Header {
    boolean show(PostHog posthog, String distinctId) {
        return posthog.isFeatureEnabled(distinctId, "java-new-header");
    }
}
