#!/usr/bin/env node
// Starts dynalite (an in-memory DynamoDB-compatible server) on 127.0.0.1 for the provider's
// tests and demo. It prints one line, {"endpoint":"http://127.0.0.1:PORT"}, once it listens,
// and exits when its standard input closes, so a parent that dies (a panicking test, a
// killed make) never leaves a server behind.
//
// Usage: node scripts/dynalite.js [--port N] [--create-ms N] [--delete-ms N] [--update-ms N]
'use strict';

const dynalite = require('dynalite');

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`dynalite.js: --${name} needs a whole number, got ${process.argv[i + 1]}`);
    process.exit(2);
  }
  return value;
}

const server = dynalite({
  // Table status transitions (CREATING/UPDATING/DELETING -> ACTIVE) take this long.
  createTableMs: option('create-ms', 0),
  deleteTableMs: option('delete-ms', 0),
  updateTableMs: option('update-ms', 0),
});

server.on('error', (err) => {
  console.error('dynalite.js: ' + err.message);
  process.exit(1);
});

server.listen(option('port', 0), '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(JSON.stringify({ endpoint: `http://127.0.0.1:${port}` }) + '\n');
});

function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}

process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
