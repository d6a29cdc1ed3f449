Widget build(GrowthBookSDK gb) {
  final showBanner = gb.isOn('dart-show-banner');
  final color = gb.getFeatureValue('dart-button-color', 'blue');
  return showBanner ? Banner(color: color) : const SizedBox();
}
