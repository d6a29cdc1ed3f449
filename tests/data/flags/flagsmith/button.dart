Future<bool> show(FlagsmithClient flagsmithClient) async {
  return flagsmithClient.hasFeatureFlag('dart-secret-button');
}
