// The offline Downtime tracker. Each record is encrypted to Thrive's public key (ECDH P-256
// with a one-off key pair, HKDF-SHA256, AES-256-GCM) before it is kept in IndexedDB; the
// one-off private key is never kept, so this page cannot read a record back. Records are
// sent, oldest first, when Thrive answers; each carries its own key, so one sent twice is
// added once. A record is of one kind (a case note or contact, a change to one case field, a
// decision or allocation, a new family, or free text), checked on arrival by that kind's
// form. Plain JavaScript, no framework: see continuity/offline.py and
// continuity/offline_kinds.py for the server side.
const root = document.querySelector("[data-offline-tracker]");
const form = root && root.querySelector("[data-offline-form]");
const INFO = new TextEncoder().encode("thrive downtime record v1");
const RETRY_MS = 10000;

const encode = (text) => new TextEncoder().encode(text);
const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function openStore() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("thrive-offline-tracker", 1);
    opening.onupgradeneeded = () => {
      const store = opening.result.createObjectStore("records", { keyPath: "key" });
      store.createIndex("user", "user");
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function withStore(mode, work) {
  const db = await openStore();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction("records", mode);
    const result = work(transaction.objectStore("records"));
    transaction.oncomplete = () => resolve(result.result ?? result);
    transaction.onerror = () => reject(transaction.error);
  });
}

const waitingRecords = (user) =>
  withStore("readonly", (store) => store.index("user").getAll(user));
const keep = (entry) => withStore("readwrite", (store) => store.put(entry));
const forget = (key) => withStore("readwrite", (store) => store.delete(key));

async function seal(key, payload) {
  const serverKey = await crypto.subtle.importKey(
    "raw", fromBase64(root.dataset.publicKey), { name: "ECDH", namedCurve: "P-256" }, false, [],
  );
  const mine = await crypto.subtle.generateKey(
    { name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"],
  );
  const shared = await crypto.subtle.deriveBits(
    { name: "ECDH", public: serverKey }, mine.privateKey, 256,
  );
  const hkdf = await crypto.subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const aes = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: INFO },
    hkdf, { name: "AES-GCM", length: 256 }, false, ["encrypt"],
  );
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encode(key) }, aes, encode(JSON.stringify(payload)),
  );
  const epk = await crypto.subtle.exportKey("raw", mine.publicKey);
  return { epk: toBase64(epk), iv: toBase64(iv), ct: toBase64(ct) };
}

function say(selector, text) {
  root.querySelector(selector).textContent = text;
}

async function showWaiting() {
  const count = (await waitingRecords(user())).length;
  say("[data-waiting]", count === 1 ? "1 record waiting to be sent"
    : `${count} records waiting to be sent`);
  return count;
}

const user = () => Number(root.dataset.user);

function showError(name, message) {
  const group = form.querySelector(`[data-field="${name}"]`);
  const error = form.querySelector(`#${name}-error`);
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  error.hidden = !message;
  error.textContent = message ? `Error: ${message}` : "";
}

// What each kind of record must have before it is kept at all; Thrive checks the rest on
// arrival with the kind's own form, and keeps what it cannot accept as free text for the
// author to correct in the tracker.
const TIME = /^\d{1,2}[:.]\d{2}$/;
const TIME_MESSAGE = "Enter a time on the 24-hour clock, like 14:30";
const REQUIRED = {
  free_text: {
    thrive_id: "Enter the Thrive ID, or NEW",
    child_surname: "Enter the child’s surname",
    details: "Enter what was done",
  },
  note: {
    thrive_id: "Enter the Thrive ID of the case",
    happened_date: "Enter the date of the work",
    happened_time: TIME_MESSAGE,
    note_text: "Enter what happened",
  },
  case_change: {
    thrive_id: "Enter the Thrive ID of the case",
    change_date: "Enter the new date",
    change_text: "Enter the new value",
  },
  decision: {
    thrive_id: "Enter the Thrive ID of the case",
  },
  new_family: {
    nf_family_names: "Enter the family second name or names",
    nf_child_first_name: "Enter the main child’s first name",
    nf_child_last_name: "Enter the main child’s second name",
    nf_child_date_of_birth: "Enter the main child’s date of birth",
    nf_address: "Enter the family’s address",
    nf_postcode: "Enter the family’s postcode",
    nf_notifier: "Enter who the notifier is",
    nf_reason_for_referral: "Enter the reason for referral",
    nf_date_referred: "Enter the date referred",
  },
};
const COMMON = {
  recorded_date: "Enter the date information recorded",
  recorded_time: TIME_MESSAGE,
};

const chosenKind = () => form.querySelector("input[name=kind]:checked")?.value || "free_text";
const isDateChange = () =>
  form.dataset.dateChanges.split(" ").includes(form.change_field.value);

function showKind() {
  const kind = chosenKind();
  form.querySelectorAll("[data-kinds]").forEach((section) => {
    section.hidden = !section.dataset.kinds.split(" ").includes(kind);
  });
  form.querySelector("[data-change=date]").hidden = !isDateChange();
  form.querySelector("[data-change=text]").hidden = isDateChange();
}

// The fields the chosen kind sends: those in its sections (and the change's value box that
// is shown), and what every record has.
function fieldsOf(kind) {
  const names = new Set(["restricted", "recorded_date", "recorded_time"]);
  form.querySelectorAll("[data-kinds]").forEach((section) => {
    if (!section.dataset.kinds.split(" ").includes(kind)) return;
    section.querySelectorAll("[name]").forEach((input) => {
      const box = input.closest("[data-change]");
      if (!box || !box.hidden) names.add(input.name);
    });
  });
  return names;
}

function checked(kind, fields) {
  const required = { ...REQUIRED[kind], ...COMMON };
  const problems = {};
  Object.keys(fields).forEach((name) => {
    if (!(name in required)) return;
    const timed = name.endsWith("_time");
    const ok = timed ? TIME.test(fields[name]) : Boolean(fields[name]);
    problems[name] = ok ? "" : required[name];
  });
  form.querySelectorAll(".govuk-error-message[id$=-error]").forEach((error) => {
    showError(error.id.replace(/-error$/, ""), problems[error.id.replace(/-error$/, "")] || "");
  });
  const first = Object.keys(problems).find((name) => problems[name]);
  if (first) form.querySelector(`#${first}`).focus();
  return !first;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return {
    date: `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`,
    time: `${pad(now.getHours())}:${pad(now.getMinutes())}`,
  };
}

function resetForm() {
  const kind = chosenKind();
  form.reset();
  form.querySelector(`input[name=kind][value=${kind}]`).checked = true;
  const now = today();
  ["recorded_date", "happened_date", "nf_date_referred", "response_date"].forEach((name) => {
    if (form[name]) form[name].value = now.date;
  });
  ["recorded_time", "happened_time"].forEach((name) => {
    form[name].value = now.time;
  });
  showKind();
}

async function addRecord(event) {
  event.preventDefault();
  const data = new FormData(form);
  const kind = chosenKind();
  const fields = {};
  fieldsOf(kind).forEach((name) => {
    fields[name] = String(data.get(name) || "").trim();
  });
  fields.restricted = data.get("restricted") === "yes";
  if (!checked(kind, fields)) return;
  const key = crypto.randomUUID();
  const sealed = await seal(key, { user: user(), kind, fields });
  await keep({ key, user: user(), sealed, kept_at: new Date().toISOString() });
  resetForm();
  say("[data-connection]", "Record kept in this browser, encrypted.");
  await showWaiting();
  sendWaiting();
}

let sending = false;

async function sendWaiting() {
  if (sending) return;
  sending = true;
  try {
    const waiting = await waitingRecords(user());
    if (!waiting.length) return;
    let status;
    try {
      const answer = await fetch(root.dataset.statusUrl, { credentials: "same-origin", cache: "no-store" });
      status = await answer.json();
    } catch {
      say("[data-connection]", "Thrive cannot be reached. Your records are kept here and will be sent when it can.");
      return;
    }
    if (!status.signed_in) {
      say("[data-connection]", "Thrive is back. Sign in to Thrive in another tab to send your records.");
      return;
    }
    if (status.user !== user()) {
      say("[data-connection]", "Someone else is signed in to Thrive in this browser: these records wait for their author.");
      return;
    }
    waiting.sort((a, b) => a.kept_at.localeCompare(b.kept_at));
    for (const entry of waiting) {
      let answer;
      try {
        answer = await fetch(root.dataset.sendUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": status.csrf },
          body: JSON.stringify({ key: entry.key, sealed: entry.sealed }),
        });
      } catch {
        say("[data-connection]", "Thrive stopped answering. The rest will be sent when it can.");
        return;
      }
      if (answer.status === 200 || answer.status === 201) {
        const sent = await answer.json();
        await forget(entry.key);
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.className = "govuk-link";
        link.href = sent.url;
        link.textContent = `Downtime record ${sent.record}`;
        item.append("Sent: ", link, sent.problems.length ? " – check it, Thrive could not accept all of it" : "");
        root.querySelector("[data-sent]").append(item);
      } else {
        const problem = await answer.json().catch(() => ({}));
        say("[data-connection]", problem.error || "Thrive could not take a record just now. It will be tried again.");
        return;
      }
    }
    say("[data-connection]", "All your records have been sent to your Downtime tracker.");
  } finally {
    sending = false;
    await showWaiting();
  }
}

if (form) {
  resetForm();
  form.addEventListener("submit", addRecord);
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind" || event.target.name === "change_field") showKind();
  });
  window.addEventListener("online", sendWaiting);
  setInterval(sendWaiting, RETRY_MS);
  showWaiting().then(sendWaiting);
}
