if (waffle.flag('js_checkout')) {
  showNewCheckout();
}
if (waffle.switch_is_active('js_maintenance')) {
  showNotice();
}
