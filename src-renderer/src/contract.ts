// The renderer's only door to the rest of the project (DESIGN §1): types and schemas, nothing else.
export * from '../../src-main/contract/index.ts';
