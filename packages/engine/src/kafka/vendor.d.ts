declare module 'lz4js' {
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  const _default: {
    compress: typeof compress;
    decompress: typeof decompress;
    compressBlock: typeof compressBlock;
  };
  export default _default;
}
declare module 'snappyjs' {
  export function compress(src: Uint8Array): Uint8Array;
  export function uncompress(src: Uint8Array): Uint8Array;
  const _default: { compress: typeof compress; uncompress: typeof uncompress };
  export default _default;
}
declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
  const _default: { hash: typeof hash };
  export default _default;
}
declare module 'kafkajs/src/network/requestQueue/index.js' {
  const RequestQueue: new (...args: unknown[]) => object;
  export default RequestQueue;
}
