import {
  useSplitTreatments, useTreatment, useTreatmentsWithConfig, withSplitTreatments,
} from '@splitsoftware/splitio-react';

export function Checkout() {
  const { treatments, isReady } = useSplitTreatments({ names: ['react-checkout'] });
  const { treatment } = useTreatment({ name: 'react-banner' });
  const { treatments: configs } = useTreatmentsWithConfig({ names: ['react-header', 'react-footer'] });
  return isReady && treatment === 'on' ? <New configs={configs} /> : <Old treatments={treatments} />;
}

export const Promo = withSplitTreatments(['react-promo'])(PromoBanner);
