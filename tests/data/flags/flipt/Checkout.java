class Checkout {
    boolean enabled(FliptClient client, Map<String, String> context) throws Exception {
        return client.evaluateBoolean("java-checkout", "entity", context).isEnabled();
    }
}
