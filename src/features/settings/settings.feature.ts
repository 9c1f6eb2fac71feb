import type { Feature } from '../feature.js';
import { onSettingsCommand, registerSettingsListeners } from './settings.listeners.js';

/** `/touchpoint settings`: the CX office edits journey stages and company-wide settings. */
export const settingsFeature: Feature = {
  name: 'settings',
  register: registerSettingsListeners,
  subcommands: [{ name: 'settings', cxOfficeOnly: true, run: onSettingsCommand }],
};
