const { PostHog } = require('posthog-node');
const client = new PostHog('phc_key', { host: 'https://us.i.posthog.com' });

async function header(distinctId) {
  return client.isFeatureEnabled('node-new-header', distinctId);
}
