export * from './records.ts';
export { WireReader, WireWriter } from './wire.ts';
