/**
 * Flow factory for tests. The builders live beside the store contract suite (the store layer
 * may not import src/testing); this is the path tests elsewhere import from.
 */
export * from '../store/contract/flow-fixtures.js';
