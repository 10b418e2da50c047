/**
 * Preloaded into the server by bench/soak.ts (node --import): answers 'memory' messages on the
 * IPC channel with process.memoryUsage(), after a full GC when the process runs with --expose-gc.
 * Nothing in the server knows about it.
 */
process.on('message', (m) => {
  if (m !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ memory: process.memoryUsage() });
});
// The IPC channel must not keep the process alive on its own (graceful shutdown exits anyway).
process.channel?.unref();
