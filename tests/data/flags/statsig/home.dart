bool fancy() => Statsig.checkGate('dart_fancy_home');
