/** The KuaiRec column lists and data schemas live with the data (src/data/schema.ts). */
export * from '../data/schema.js';
