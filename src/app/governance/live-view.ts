// A read-through view of values that change while the market runs. Consumers built once at start (the router, the
// repricing job, the paid path) keep the rule objects they were given; a view reads the registry's current value at
// every property access, so an executed proposal takes effect at their next read without rewiring any of them.
export function liveView<T extends object>(read: () => T): T {
  const current = (key: PropertyKey): unknown => Reflect.get(read(), key);
  return new Proxy({} as T, {
    get(_, key) {
      const value = current(key);
      return typeof value === 'object' && value !== null ? liveView(() => Reflect.get(read(), key) as object) : value;
    },
    has: (_, key) => key in read(),
    ownKeys: () => Reflect.ownKeys(read()),
    // Spreading or cloning a view copies the current values.
    getOwnPropertyDescriptor: (_, key) =>
      key in read() ? { value: current(key), enumerable: true, configurable: true, writable: false } : undefined,
  });
}
