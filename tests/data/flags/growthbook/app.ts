import { GrowthBook } from '@growthbook/growthbook';

const gb = new GrowthBook({ apiHost: 'https://cdn.growthbook.io', clientKey: 'sdk-abc123' });

export function render(featureKey: string) {
  if (gb.isOn('js-new-dashboard')) {
    const timeout = gb.getFeatureValue('js-api-timeout', 5000);
    return { timeout, result: gb.evalFeature(featureKey) };
  }
}
