// The view library, from one prebuilt file of npm `htm` (Preact, its hooks
// and htm in one ES module; see vendor.json), so the page needs no build step.
export * from './vendor/preact-htm.js';
