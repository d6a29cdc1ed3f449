import { flag } from 'flags/next';

export const summerSale = flag<boolean>({
  key: 'summer-sale',
  decide() {
    return false;
  },
});

export const bannerTone = flag({ key: 'banner-tone', options: ['calm', 'loud'], decide: () => 'calm' });
