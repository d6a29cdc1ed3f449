class Dashboard {
    void render(GrowthBook growthBook) {
        boolean dark = growthBook.isOn("java-dark-mode");
        String message = growthBook.getFeatureValue("java-welcome", "Hello");
        show(dark, message);
    }
}
