Future<bool> show() async => await Posthog().isFeatureEnabled('dart-new-header');
