// Imported first by main.ts: re-executes the worker in place with V8's young generation bounded before any
// connection is opened (see packages/engine/src/runtime/young-generation.ts).
import { boundYoungGeneration } from '@ferry/engine/young-generation';

boundYoungGeneration();
