import type { Settings, SettingsPatch } from '../../contract.js';
import type { EventBus } from '../events.js';
import type { DataFile } from './data-file.js';

export class SettingsStore {
  constructor(
    private readonly file: DataFile,
    private readonly events: EventBus,
  ) {}

  get(): Settings {
    return this.file.read().settings;
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    const settings = await this.file.update((data) => {
      // Only keys that were given: an absent key keeps its value.
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) Object.assign(data.settings, { [key]: value });
      }
      return data.settings;
    });
    this.events.emit('settings:changed', { settings });
    return settings;
  }
}
