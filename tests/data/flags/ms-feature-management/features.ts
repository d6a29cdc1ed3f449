import { FeatureManager, ConfigurationObjectFeatureFlagProvider } from '@microsoft/feature-management';

const featureProvider = new ConfigurationObjectFeatureFlagProvider(config);
const featureManager = new FeatureManager(featureProvider);

export async function render(userId: string, featureName: string) {
  const alpha = await featureManager.isEnabled('Alpha');
  const greeting = await featureManager.getVariant('Greeting', { userId });
  const dynamic = await featureManager.isEnabled(featureName);
  return { alpha, greeting, dynamic };
}
