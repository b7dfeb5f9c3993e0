#!/usr/bin/env node
// The installed entry point: compiled JavaScript only (npm run build makes dist/).
import { main } from '../dist/bundle/main.js';

main(process.argv.slice(2)).then((code) => process.exit(code));
