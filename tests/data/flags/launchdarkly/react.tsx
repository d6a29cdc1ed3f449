import { useFlags, useLDClient } from 'launchdarkly-react-client-sdk';

export function Banner() {
  const { showBanner, bannerText: text } = useFlags();
  const flags = useFlags();
  const legacy = flags['legacy-banner'];
  const ldClient = useLDClient();
  const tone = ldClient?.variation('banner-tone', 'calm');
  return showBanner ? <p className={tone}>{text}{legacy}</p> : null;
}
