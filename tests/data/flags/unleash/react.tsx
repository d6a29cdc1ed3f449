import { useFlag, useVariant } from '@unleash/proxy-client-react';

export function Checkout() {
  const enabled = useFlag('react-checkout');
  const variant = useVariant('react-checkout-variant');
  return enabled ? <New variant={variant.name} /> : <Old />;
}
