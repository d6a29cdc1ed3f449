import { useSplitTreatments } from '@splitsoftware/splitio-react';

export function Checkout() {
  const { treatments, isReady } = useSplitTreatments({ names: ['react-checkout'] });
  return isReady && treatments['react-checkout'].treatment === 'on' ? <New /> : <Old />;
}
