class Checkout {
    String treatment(SplitClient client, String userId, Map<String, Object> attributes) {
        String fixed = client.getTreatment("user-42", "java-checkout");
        return client.getTreatment(userId, "java-checkout-v2", attributes) + fixed;
    }
}
