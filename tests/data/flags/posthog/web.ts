import posthog from 'posthog-js';

export function header() {
  if (posthog.isFeatureEnabled('web-new-header')) {
    return posthog.getFeatureFlag('web-header-variant') === 'test' ? 'test' : 'control';
  }
}
