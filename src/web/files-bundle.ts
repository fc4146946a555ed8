/**
 * Entry of /static/files.js (scripts/build.ts, an ES module the page imports only when it needs
 * it): version-2 streams on the page — the files of a paste shown (files-view.ts), several or large
 * files sent resumably (upload-files.ts). The stream cipher and the upload client come with it.
 */
export { type Gathered, gatherFiles, showFiles } from "./files-view.ts";
export { uploadFromPage } from "./upload-files.ts";
