/** The UTC calendar day of an instant, as daily spend limits count it ("2026-11-23"). */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
