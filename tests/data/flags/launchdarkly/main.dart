import 'package:launchdarkly_flutter_client_sdk/launchdarkly_flutter_client_sdk.dart';

Widget build(LDClient client) {
  final enabled = client.boolVariation('flutter-checkout', false);
  final count = client.intVariation('flutter-count', 3);
  return enabled ? Checkout(count: count) : const SizedBox();
}
