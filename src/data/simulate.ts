/** The simulator's public entry (its parts live in src/data/simulate/). */
export * from './simulate/index.js';
