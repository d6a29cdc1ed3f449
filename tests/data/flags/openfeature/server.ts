import { OpenFeature } from '@openfeature/server-sdk';

const client = OpenFeature.getClient();

export async function theme(userId: string, flag: string) {
  const newUi = await client.getBooleanValue('of-new-ui', false);
  const details = await client.getStringDetails('of-theme', 'light', { targetingKey: userId });
  const dynamic = await client.getNumberValue(flag, 0);
  return { newUi, theme: details.value, dynamic };
}
