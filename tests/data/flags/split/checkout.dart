Future<String> treatment(SplitClient client) => client.getTreatment('dart-checkout');
