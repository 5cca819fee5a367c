// kafkajs's internal record batch decoder and CRC-32C, used as a second implementation in the property tests.
declare module 'kafkajs/src/protocol/decoder.js' {
  export default class Decoder {
    constructor(buffer: Buffer);
  }
}
declare module 'kafkajs/src/protocol/recordBatch/v0/decoder.js' {
  const decode: (decoder: unknown) => Promise<unknown>;
  export default decode;
}
declare module 'kafkajs/src/protocol/recordBatch/crc32C/index.js' {
  const crc32C: (buffer: Buffer) => number;
  export default crc32C;
}
