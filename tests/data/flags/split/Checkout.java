class Checkout {
    String treatment(SplitClient client, String userId, Map<String, Object> attributes) {
        String fixed = client.getTreatment("user-42", "java-checkout");
        Map<String, String> many = client.getTreatments(userId, Arrays.asList("java-header", "java-footer"));
        return client.getTreatment(userId, "java-checkout-v2", attributes) + fixed + many;
    }
}
