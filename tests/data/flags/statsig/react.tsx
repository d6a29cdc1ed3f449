import { useGateValue, useFeatureGate, useDynamicConfig, useExperiment } from '@statsig/react-bindings';
import { useGate } from 'statsig-react';

export function Home() {
  const fancy = useGateValue('react_fancy_home');
  const gate = useFeatureGate('react_home_banner');
  const theme = useDynamicConfig('react_home_theme');
  const experiment = useExperiment('react_home_layout');
  const { value: legacy } = useGate('react_legacy_home');
  return fancy && gate.value ? <Fancy layout={experiment.value} theme={theme.value} legacy={legacy} /> : <Plain />;
}
