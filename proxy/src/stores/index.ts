export type { CounterStore, KeyValueStore, StoredValue, WindowCount } from './store.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
