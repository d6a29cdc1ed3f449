import { PostHogFeature, useFeatureFlagEnabled } from 'posthog-js/react';

export function Header() {
  const showWelcome = useFeatureFlagEnabled('react-welcome');
  return (
    <PostHogFeature flag="react-header-component" match={true}>
      {showWelcome ? <Welcome /> : null}
    </PostHogFeature>
  );
}
