const client = new StatsigClient('client-key', { userID: 'a-user' });
await client.initializeAsync();
if (client.checkGate('web_fancy_home')) {
  applyConfig(client.getDynamicConfig('web_home_config'));
}
