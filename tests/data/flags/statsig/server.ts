import { Statsig, StatsigUser } from '@statsig/statsig-node-core';

const statsig = new Statsig('secret-key');

export async function home(user: StatsigUser, gateName: string) {
  const fancy = statsig.checkGate(user, 'node_fancy_home');
  const experiment = statsig.getExperiment(user, 'node_home_layout');
  const sizes = statsig.getDynamicConfig(user, 'node_home_sizes');
  const dynamic = statsig.checkGate(user, gateName);
  return { fancy, experiment, sizes, dynamic };
}
