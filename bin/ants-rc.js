#!/usr/bin/env node
// The installed entry point: compiled JavaScript only (npm run build makes dist/).
// Each <{…} waits for its reader in a libuv pool thread; give the pool room (read once, at first use).
process.env.UV_THREADPOOL_SIZE ??= '32';
const { main } = await import('../dist/bundle/main.js');

main(process.argv.slice(2)).then((code) => process.exit(code));
