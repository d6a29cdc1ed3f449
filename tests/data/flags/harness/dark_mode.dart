Future<bool> darkMode() => CfClient.getInstance().boolVariation('dart-dark-mode', false);
