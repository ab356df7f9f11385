// The store port for the market's settings: a few values every gateway instance must share (the sampling secret).

export type SettingsStore = {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
};
