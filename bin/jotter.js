#!/usr/bin/env node
// Entry point of the `jotter` command. Node runs the TypeScript sources directly.
import '../src/main.ts';
