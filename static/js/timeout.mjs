// The session timeout warning: a modal dialog shown SESSION_TIMEOUT_WARNING seconds before an
// idle session ends, with "Stay signed in". Other tabs keep the session alive too, so before
// warning, the page asks the server how long is really left.

function minutesText(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

export function initTimeoutWarning(dialog) {
  if (!dialog || typeof dialog.showModal !== "function") return;
  const warning = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector(".thrive-timeout-dialog__countdown");
  const live = dialog.querySelector("#timeout-dialog-live");
  const csrf = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  let deadline = 0;

  const schedule = (secondsLeft) => {
    clearTimeout(timer);
    deadline = Date.now() + secondsLeft * 1000;
    timer = setTimeout(check, Math.max(0, (secondsLeft - warning) * 1000));
  };

  const signedOut = () => {
    window.location.href = dialog.dataset.signedOutUrl;
  };

  const tick = () => {
    const left = Math.round((deadline - Date.now()) / 1000);
    if (left <= 0) return signedOut();
    countdown.textContent = minutesText(left);
    if (left % 30 === 0 || left <= 10) live.textContent = `You will be signed out in ${minutesText(left)}`;
    timer = setTimeout(tick, 1000);
  };

  async function check() {
    const response = await fetch(dialog.dataset.statusUrl, { credentials: "same-origin" });
    const { seconds_left: left } = await response.json();
    if (left <= 0) return signedOut();
    if (left > warning) return schedule(left);
    deadline = Date.now() + left * 1000;
    if (!dialog.open) dialog.showModal();
    tick();
  }

  dialog.querySelector("#timeout-dialog-stay").addEventListener("click", async () => {
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
    });
    if (!response.ok) return signedOut();
    const { seconds_left: left } = await response.json();
    dialog.close();
    schedule(left);
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());

  schedule(Number(dialog.dataset.idleSeconds));
}
