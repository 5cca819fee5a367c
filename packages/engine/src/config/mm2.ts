/**
 * `@ferry/engine/mm2`: the one MM2 dialect, for the control plane. `ferry run` resolves files with the same
 * functions (`parseMm2Config`); import and export go through them too.
 */
export { parseProperties } from '@ferry/core';
export { resolveSyncSettings, type SyncSettings } from '../checkpoints/settings.ts';
export { type ExportCluster, exportMm2, flowOptionProperties } from './mm2-export.ts';
export {
  importMm2,
  type Mm2Cluster,
  type Mm2Flow,
  type Mm2Import,
  type Mm2Unmapped,
  toStoredFlowConfig,
} from './mm2-import.ts';
export {
  type ConfigNotice,
  loadMm2PropertiesFile,
  type Mm2Config,
  type Mm2Options,
  parseMm2Config,
  resolveFlow,
  resolveFlowOptions,
} from './mm2-properties.ts';
