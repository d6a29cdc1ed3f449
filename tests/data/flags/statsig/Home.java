class Home {
    boolean fancy(StatsigUser user) {
        boolean server = Statsig.checkGateSync(user, "java_fancy_home");
        boolean client = Statsig.checkGate("android_fancy_home");
        return server || client;
    }
}
