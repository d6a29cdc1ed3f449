import { init, type LDContext } from '@launchdarkly/node-server-sdk';

const ldClient = init(process.env.LD_SDK_KEY ?? '');

export async function checkout(context: LDContext, flagKey: string): Promise<boolean> {
  const enabled = await ldClient.boolVariation('new-checkout-flow', context, false);
  const limit = await ldClient.numberVariation("checkout-item-limit", context, 10);
  const detail = await ldClient.boolVariationDetail(
    `checkout-reasons`,
    context,
    false,
  );
  const other = await ldClient.variation(flagKey, context, null);
  return enabled && limit > 0 && detail.value && Boolean(other);
}
