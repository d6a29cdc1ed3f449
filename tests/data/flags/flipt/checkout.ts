import { FliptClient } from '@flipt-io/flipt-client-js';

export async function checkout(client: FliptClient, entityId: string) {
  const result = client.evaluateBoolean({ flagKey: 'js-checkout', entityId, context: {} });
  return result.enabled;
}
