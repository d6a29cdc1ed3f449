import { useFliptBoolean, useFliptVariant } from '@flipt-io/flipt-client-react';

export function Checkout({ userId }: { userId: string }) {
  const enabled = useFliptBoolean('react-checkout', false, userId, { plan: 'pro' });
  const theme = useFliptVariant('react-theme', 'light', userId, {});
  return enabled ? <New theme={theme} /> : <Old />;
}
