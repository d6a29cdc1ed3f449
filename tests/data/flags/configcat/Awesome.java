class Awesome {
    boolean enabled(ConfigCatClient client) {
        return client.getValue(Boolean.class, "javaAwesomeFeature", false);
    }
}
