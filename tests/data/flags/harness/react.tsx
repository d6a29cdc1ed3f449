import { IfFeatureFlag, useFeatureFlag, useFeatureFlags } from '@harnessio/ff-react-client-sdk';

export function Page() {
  const dark = useFeatureFlag('react-dark-mode');
  const flags = useFeatureFlags(['react-banner', 'react-footer']);
  return (
    <IfFeatureFlag flag="react-beta-badge">
      <Badge dark={dark} flags={flags} />
    </IfFeatureFlag>
  );
}
