import { addons } from 'storybook/preview-api';

import { connectDevtoolsBridge } from './bridge';

/**
 * Preview annotations of the Realtime addon: the bridge listens on the Storybook channel for the whole session and
 * inspects nothing until the manager's Realtime panel is shown. Without a channel (portable stories) it stays off.
 */
export const beforeAll = () => {
  if (!addons.hasChannel()) return undefined;
  return connectDevtoolsBridge(addons.getChannel());
};
