export * from './test-stack.ts';
export * from './names.ts';
