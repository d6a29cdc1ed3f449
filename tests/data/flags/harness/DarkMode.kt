fun enabled(): Boolean = CfClient.getInstance().boolVariation("android-dark-mode", false)
