import { useFeatureFlag } from 'configcat-react';

export function Awesome() {
  const { value: isAwesome, loading } = useFeatureFlag('reactAwesomeFeature', false);
  return loading ? null : isAwesome ? <New /> : <Old />;
}
