import { OptimizelyFeature, useDecision } from '@optimizely/react-sdk';

export function Pricing() {
  const [decision] = useDecision('react-pricing-page');
  return (
    <OptimizelyFeature feature="react-pricing-banner">
      {(isEnabled) => (isEnabled && decision.enabled ? <Banner /> : null)}
    </OptimizelyFeature>
  );
}
