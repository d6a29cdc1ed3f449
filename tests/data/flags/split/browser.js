const client = factory.client();
client.on(client.Event.SDK_READY, () => {
  const treatment = client.getTreatment('browser-checkout');
  const result = client.getTreatmentWithConfig('browser-theme', { plan: 'pro' });
  render(treatment, result.config);
});
