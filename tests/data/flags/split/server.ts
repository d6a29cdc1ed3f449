import { SplitFactory } from '@splitsoftware/splitio';

const client = SplitFactory({ core: { authorizationKey: 'sdk-key' } }).client();

export function checkout(userId: string, attributes: Record<string, string>) {
  const fixed = client.getTreatment('user-42', 'node-checkout', attributes);
  const mine = client.getTreatment(userId, 'node-checkout-v2');
  const many = client.getTreatments(userId, ['node-header', 'node-footer']);
  return { fixed, mine, many };
}
