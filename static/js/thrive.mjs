// Starts GOV.UK Frontend and MoJ Frontend components, and the session timeout warning.
import { initAll } from "../build/govuk/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout.mjs";

initAll();
initTimeoutWarning(document.getElementById("timeout-dialog"));

// "Print case" opens the page with ?print=1 (so the print is audited) and prints it.
if (document.querySelector("[data-autoprint]")) {
  window.addEventListener("load", () => window.print());
}
