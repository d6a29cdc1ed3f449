Future<String> treatment(SplitClient client) async {
  final many = await client.getTreatments(['dart-header', 'dart-footer']);
  return client.getTreatment('dart-checkout');
}
