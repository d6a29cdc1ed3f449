class Home {
    boolean fancy(StatsigUser user) {
        boolean server = Statsig.checkGateSync(user, "java_fancy_home");
        DynamicConfig sizes = Statsig.getConfigSync(user, "java_home_sizes");
        boolean client = Statsig.checkGate("android_fancy_home");
        return server || client;
    }
}
