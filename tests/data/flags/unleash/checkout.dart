import 'package:unleash/unleash.dart';

bool fast(Unleash unleash) => unleash.isEnabled('dart-fast-checkout');
