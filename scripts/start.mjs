#!/usr/bin/env node
// `npm start`: installs what is missing (Node dependencies, the pinned Envoy), builds the plugins that are not
// up to date, then runs the local mesh described by mesh/topology.ts (mesh/run.ts) in real Envoy on 127.0.0.1 and
// shows what to try. Extra arguments go to mesh/run.ts (--free-ports, --check). SIGINT, SIGTERM or SIGHUP to this
// process alone (or to the npm in front of it) stops everything it started.
import { runMeshCommand } from "./mesh-command.mjs";

await runMeshCommand("npm start", "run.ts", process.argv.slice(2));
