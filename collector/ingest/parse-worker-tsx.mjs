// Starts the parse worker from its TypeScript source (tests, `PANTAU_TSX=1`): tsx's loader is
// registered per thread, so the worker registers it before importing the source.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
