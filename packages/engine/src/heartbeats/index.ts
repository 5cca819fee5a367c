export { HeartbeatEmitter, type HeartbeatEmitterOptions } from './heartbeat-emitter.ts';
