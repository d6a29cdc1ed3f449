import Flagsmith from 'flagsmith-nodejs';

const flagsmith = new Flagsmith({ environmentKey: process.env.FLAGSMITH_KEY });

export async function button() {
  const flags = await flagsmith.getEnvironmentFlags();
  return flags.isFeatureEnabled('node-secret-button') && flags.getFeatureValue('node-colour');
}
