import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { features } from '../src/features/index.js';
import { commandCatalogue } from '../src/features/touchpoint/touchpoint.catalogue.js';
import { recordRegistrations } from './support/registered-listeners.js';

interface Manifest {
  features: {
    slash_commands: { command: string; description: string; usage_hint?: string }[];
    shortcuts: { name: string; type: 'global' | 'message'; callback_id: string }[];
    app_home: { home_tab_enabled: boolean };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as Manifest;
const schema = JSON.parse(
  readFileSync(new URL('./fixtures/manifest.schema.1.0.0.json', import.meta.url), 'utf8'),
);

describe('manifest.yml', () => {
  it("passes Slack's manifest JSON Schema", () => {
    // The schema uses a non-standard `regex` keyword and formats; neither changes what is checked here.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('declares every slash command of the product, each with a description', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command).sort();
    expect(declared).toEqual(commandCatalogue.map((group) => group.command).sort());
    for (const command of manifest.features.slash_commands)
      expect(command.description.length).toBeGreaterThan(10);
  });

  it('declares the global and message shortcuts of the product', () => {
    const byType = (type: string) =>
      manifest.features.shortcuts
        .filter((s) => s.type === type)
        .map((s) => s.name)
        .sort();
    expect(byType('global')).toEqual([
      'Log a customer call',
      'Share a customer story',
      'Suggest a rule to kill',
    ]);
    expect(byType('message')).toEqual(['Save as customer story', 'Suggest killing the rule']);
  });

  it('lists every command, shortcut and event the code registers', () => {
    const registered = recordRegistrations(features);
    expect(registered.commands).toContain('/touchpoint');
    const commands = manifest.features.slash_commands.map((c) => c.command);
    for (const command of registered.commands) expect(commands).toContain(command);
    const shortcuts = manifest.features.shortcuts.map((s) => s.callback_id);
    for (const shortcut of registered.shortcuts) expect(shortcuts).toContain(shortcut);
    for (const event of registered.events)
      expect(manifest.settings.event_subscriptions.bot_events).toContain(event);
  });

  it('has a handler in the code for every command and shortcut it declares (nothing a user can click goes unanswered)', () => {
    const registered = recordRegistrations(features);
    for (const command of manifest.features.slash_commands)
      expect(registered.commands).toContain(command.command);
    for (const shortcut of manifest.features.shortcuts)
      expect(registered.shortcuts).toContain(shortcut.callback_id);
  });

  it('turns on the Home tab and interactivity, and asks for no scope the product does not use', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'commands',
        'files:write',
        'groups:history',
        'groups:read',
        'im:history',
        'im:write',
        'usergroups:read',
        'users:read',
      ].sort(),
    );
  });

  it('has as many request URLs as the README and the manifest header say to replace or delete', () => {
    const urls: string[] = [];
    const walk = (value: unknown, key: string): void => {
      if (typeof value === 'string') {
        if (/url$/.test(key)) urls.push(value);
      } else if (Array.isArray(value)) for (const item of value) walk(item, key);
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
    };
    walk(manifest, '');
    expect(new Set(urls)).toEqual(new Set(['https://touchpoint.example.com/slack/events']));
    const count = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][
      urls.length
    ];
    const words = (file: string) =>
      readFileSync(new URL(file, import.meta.url), 'utf8').replace(/[\s#]+/g, ' ');
    const readme = words('../README.md');
    expect(readme).toContain(`The manifest has ${count} request URLs`);
    expect(readme).toContain(`delete those ${count} request URLs`);
    expect(readme).toContain(`use its address in the ${count} request URLs`);
    expect(words('../manifest.yml')).toContain(`delete those ${count} request URLs`);
  });
});
