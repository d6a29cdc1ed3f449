Future<bool> show(FlagsmithClient flagsmithClient) async {
  final colour = await flagsmithClient.getFeatureFlagValue('dart-button-colour');
  final cached = flagsmithClient.hasCachedFeatureFlag('dart-cached-button');
  return flagsmithClient.hasFeatureFlag('dart-secret-button');
}
