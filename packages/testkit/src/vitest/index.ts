export * from './names.ts';
export * from './test-stack.ts';
