class DarkMode {
    boolean enabled(CfClient cfClient, Target target) {
        return cfClient.boolVariation("java-dark-mode", target, false);
    }
}
