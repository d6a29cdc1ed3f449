import { FliptClient } from '@flipt-io/flipt';

const fliptClient = new FliptClient();

export async function checkout(entityId) {
  const result = await fliptClient.evaluation.boolean({
    namespaceKey: 'default',
    flagKey: 'node-checkout',
    entityId,
    context: {},
  });
  return result.enabled;
}
