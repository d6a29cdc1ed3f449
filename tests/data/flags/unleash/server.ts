import { initialize, isEnabled } from 'unleash-client';

const unleash = initialize({ url: 'https://unleash.example.com/api/', appName: 'shop' });

export function checkout(context: Context, toggleName: string) {
  const fast = unleash.isEnabled('node-fast-checkout', context);
  const legacy = isEnabled('node-legacy-checkout');
  const variant = unleash.getVariant('node-checkout-variant', context);
  const dynamic = unleash.isEnabled(toggleName, context);
  return { fast, legacy, variant, dynamic };
}
