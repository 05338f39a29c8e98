#!/usr/bin/env node
// `npm run demo`: installs what is missing, builds the plugins that are not up to date, then runs every scenario of
// mesh/topology.ts once against a fresh mesh on free ports (mesh/demo.ts) and prints expected vs observed routing.
// Exits 1 if any scenario differs. Safe to run while `npm start` is up. SIGINT, SIGTERM or SIGHUP to this process
// alone (or to the npm in front of it) stops everything it started.
import { runMeshCommand } from "./mesh-command.mjs";

await runMeshCommand("npm run demo", "demo.ts", process.argv.slice(2));
