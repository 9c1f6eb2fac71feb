import type { Feature } from '../feature.js';
import { settingsIds } from './settings.ids.js';
import { onSettingsCommand, registerSettingsListeners } from './settings.listeners.js';

// Tests of other features open the settings modal by these IDs.
export { settingsIds };

/** `/touchpoint settings`: the CX office edits journey stages and company-wide settings. */
export const settingsFeature: Feature = {
  name: 'settings',
  register: registerSettingsListeners,
  subcommands: [{ name: 'settings', cxOfficeOnly: true, run: onSettingsCommand }],
};
