import { useGateValue, useExperiment } from '@statsig/react-bindings';

export function Home() {
  const fancy = useGateValue('react_fancy_home');
  const experiment = useExperiment('react_home_layout');
  return fancy ? <Fancy layout={experiment.value} /> : <Plain />;
}
