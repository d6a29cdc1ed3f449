import { initialize, Event } from '@harnessio/ff-javascript-client-sdk';

const cf = initialize('client-key', { identifier: 'a-user' });
cf.on(Event.READY, () => {
  render(cf.variation('js-dark-mode', false));
});
