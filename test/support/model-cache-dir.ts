import { join } from 'node:path';

export const TEST_MODEL_CACHE = join(import.meta.dirname, '..', '..', '.cache', 'models');
