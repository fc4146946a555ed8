/**
 * sealbin's web page (web/page.html): the create page, or the paste page when the server says so
 * in data-view. Built by scripts/build.ts into dist/web/app.js, served at /static/app.js; every
 * request goes through the shared client (src/client), pastes are sealed by src/protocol.
 */
import { setupCreate } from "./create.ts";
import { setupView } from "./view.ts";

if (document.body.dataset.view === "paste") void setupView();
else setupCreate();
