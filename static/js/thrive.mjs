// Starts GOV.UK Frontend and MoJ Frontend components, and the session timeout warning.
import { initAll } from "../build/govuk/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout.mjs";

initAll();
initTimeoutWarning(document.getElementById("timeout-dialog"));
