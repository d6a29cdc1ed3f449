import { IfFeatureEnabled, FeatureString, useFeatureIsOn, useFeatureValue } from '@growthbook/growthbook-react';

export function Home() {
  const newLogin = useFeatureIsOn('react-new-login');
  const color = useFeatureValue('react-button-color', 'blue');
  return (
    <div>
      <FeatureString feature="react-site-title" default="Welcome" />
      <IfFeatureEnabled feature='react-promo-banner'>
        <Promo color={color} />
      </IfFeatureEnabled>
      {newLogin && <NewLogin />}
    </div>
  );
}
