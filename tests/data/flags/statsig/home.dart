bool fancy() {
  final sizes = Statsig.getConfig('dart_home_sizes');
  return Statsig.checkGate('dart_fancy_home');
}
