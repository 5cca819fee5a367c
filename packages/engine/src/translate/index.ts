export {
  type OffsetTranslationReport,
  syncOffsets,
  type TranslatedPartition,
  type TranslateOffsetsOptions,
  translateOffsets,
} from './translate-offsets.ts';
