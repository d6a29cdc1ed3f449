import * as configcat from 'configcat-node';

const configCatClient = configcat.getClient('#YOUR-SDK-KEY#');

export async function awesome(user: configcat.User) {
  const enabled = await configCatClient.getValueAsync('isAwesomeFeatureEnabled', false, user);
  configCatClient.getValue('legacyCallbackFeature', false, (value) => render(value));
  return enabled;
}
