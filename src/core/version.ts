/** specfuse version, recorded in every provenance block. Keep in step with package.json. */
export const VERSION = '0.1.0';
