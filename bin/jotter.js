#!/usr/bin/env node
// Entry point of the `jotter` command. Node runs the TypeScript sources directly.
//
// The compile cache keeps the type-stripped sources and V8's code for them on disk (in the
// system's temporary folder, per Node version): a start after the first needs neither the
// TypeScript stripper (17 MB of memory for the life of the process) nor a fresh compile of every
// module, so it starts faster and stays smaller. NODE_COMPILE_CACHE chooses another folder;
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('../src/main.ts');
