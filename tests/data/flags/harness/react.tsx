import { ifFeatureFlag, useFeatureFlag, useFeatureFlags } from '@harnessio/ff-react-client-sdk';

export function Page() {
  const dark = useFeatureFlag('react-dark-mode', false);
  const flags = useFeatureFlags(['react-banner', 'react-footer']);
  const defaults = useFeatureFlags({ 'react-sidebar': false, reactTheme: 'light' });
  return <Badge dark={dark} flags={flags} defaults={defaults} />;
}

export const BetaBadge = ifFeatureFlag('react-beta-badge')(Badge);
