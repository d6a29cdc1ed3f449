import 'package:openfeature_dart_server_sdk/client.dart';

Future<bool> dark(FeatureClient client) async {
  return client.getBooleanFlag('dart-of-dark', defaultValue: false);
}
