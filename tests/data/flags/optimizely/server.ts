import { createInstance } from '@optimizely/optimizely-sdk';

export function pricing(optimizely: Client, userId: string, flagKey: string) {
  const user = optimizely.createUserContext(userId, { plan: 'pro' });
  const decision = user.decide('node-pricing-page');
  const many = user.decideForKeys(['node-banner', 'node-footer']);
  const legacy = optimizely.isFeatureEnabled('node-legacy-pricing', userId);
  const dynamic = user.decide(flagKey);
  return { decision, many, legacy, dynamic };
}
