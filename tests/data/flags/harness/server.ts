import { Client } from '@harnessio/ff-nodejs-server-sdk';

export async function darkMode(client: Client, target: Target) {
  return client.boolVariation('node-dark-mode', target, false);
}
