// sealbin's web interface: create and open pastes, encrypted and decrypted in the browser with the
// format of docs/encryption.md (IV 12 bytes || AES-256-GCM ciphertext || tag, key in the fragment).
import qrcode from "./qrcode.mjs";

const prefix = document.body.dataset.prefix ?? "";
const $ = (id) => document.getElementById(id);
const api = (path) => `${prefix}${path}`;
const json = { accept: "application/json" };

// ---------------------------------------------------------------------------------------------
// Encoding and encryption
// ---------------------------------------------------------------------------------------------

function base64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The key from a fragment: base64url or standard base64, padding optional; 32 bytes or null. */
function keyFromFragment(fragment) {
  const text = fragment.replace(/^#/, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]{43}$/.test(text)) return null;
  const raw = atob(`${text}=`);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function encrypt(plaintext) {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, cryptoKey, plaintext));
  const out = new Uint8Array(12 + sealed.length);
  out.set(iv);
  out.set(sealed, 12);
  return { body: out, key: base64url(key) };
}

async function decrypt(data, key) {
  if (data.length < 28) throw new Error("too short to be encrypted");
  const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: data.subarray(0, 12) },
    cryptoKey,
    data.subarray(12),
  );
  return new Uint8Array(plain);
}

// ---------------------------------------------------------------------------------------------
// Proof-of-work, solved in Web Workers (one per core, up to 8) with visible progress
// ---------------------------------------------------------------------------------------------

async function powHeaders(progress) {
  const challenge = await (await fetch(api("/challenge"), { headers: json })).json();
  if (!challenge.enabled) return {};
  const count = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 2));
  const expected = 2 ** challenge.difficulty;
  const workers = [];
  let tried = 0;
  progress.hidden = false;
  progress.value = 0;
  try {
    const solution = await new Promise((resolve, reject) => {
      for (let k = 0; k < count; k++) {
        const worker = new Worker(api("/static/pow-worker.js"));
        worker.onmessage = (e) => {
          if (e.data.solution !== undefined) resolve(e.data.solution);
          else {
            tried += e.data.tried ?? 0;
            progress.value = Math.min(99, Math.floor((100 * tried) / expected));
          }
        };
        worker.onerror = () => reject(new Error("the proof-of-work worker failed"));
        worker.postMessage({
          nonce: challenge.nonce,
          difficulty: challenge.difficulty,
          start: k,
          step: count,
        });
        workers.push(worker);
      }
    });
    progress.value = 100;
    return { "x-pow-token": challenge.token, "x-pow-solution": String(solution) };
  } finally {
    for (const w of workers) w.terminate();
  }
}

async function errorOf(res) {
  try {
    const body = await res.json();
    return body.error ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Create page
// ---------------------------------------------------------------------------------------------

function showLink(link, hint) {
  $("result").hidden = false;
  $("link").value = link;
  $("result-hint").textContent = hint;
  const qr = qrcode(0, "M");
  qr.addData(link);
  qr.make();
  $("qr").src = qr.createDataURL(4, 2);
  $("link").focus();
  $("link").select();
}

function setupCreate() {
  $("create").hidden = false;
  let file = null;
  const pick = (f) => {
    file = f;
    $("clear-file").hidden = !f;
    $("text").disabled = Boolean(f);
    $("create-status").textContent = f ? `File: ${f.name} (${f.size} bytes)` : "";
  };
  $("file").addEventListener("change", () => pick($("file").files[0] ?? null));
  $("clear-file").addEventListener("click", () => {
    $("file").value = "";
    pick(null);
  });
  const drop = $("drop");
  for (const type of ["dragenter", "dragover"])
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    const f = e.dataTransfer?.files?.[0];
    if (f) pick(f);
  });

  $("paste-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = $("create-status");
    const button = $("create-button");
    status.classList.remove("error");
    const plaintext = file
      ? new Uint8Array(await file.arrayBuffer())
      : new TextEncoder().encode($("text").value);
    if (plaintext.length === 0) {
      status.textContent = "Nothing to paste: type some text or choose a file.";
      status.classList.add("error");
      return;
    }
    button.disabled = true;
    try {
      const encrypted = $("encrypt").checked;
      const { body, key } = encrypted ? await encrypt(plaintext) : { body: plaintext, key: null };
      status.textContent = "Solving the proof-of-work…";
      const headers = { ...json, ...(await powHeaders($("pow-progress"))) };
      headers["content-type"] = encrypted ? "application/octet-stream" : file?.type || "text/plain";
      if ($("expiry").value) headers["x-expiry"] = $("expiry").value;
      if ($("burn").checked) headers["x-burn-after-read"] = "true";
      if ($("password").value) headers["x-paste-password"] = $("password").value;
      status.textContent = "Uploading…";
      const res = await fetch(api("/"), { method: "POST", headers, body });
      if (res.status !== 201) throw new Error(await errorOf(res));
      const created = await res.json();
      const link = new URL(created.url, location.origin).href + (key ? `#${key}` : "");
      status.textContent = "";
      $("paste-form").hidden = true;
      showLink(
        link,
        key
          ? "Encrypted in this browser: the key is in the link after #, which browsers never send to the server. Anyone with the link can read the paste."
          : "Not encrypted: the server can read this paste.",
      );
    } catch (err) {
      status.textContent = `Could not create the paste: ${err.message}`;
      status.classList.add("error");
    } finally {
      button.disabled = false;
      $("pow-progress").hidden = true;
    }
  });

  $("copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("link").value);
      $("copy").textContent = "Copied";
    } catch {
      $("link").select();
      $("copy").textContent = "Press Ctrl+C";
    }
  });

  $("short-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const status = $("short-status");
    status.classList.remove("error");
    try {
      status.textContent = "Solving the proof-of-work…";
      const headers = {
        ...json,
        "content-type": "application/json",
        ...(await powHeaders($("pow-progress"))),
      };
      const res = await fetch(api("/s"), {
        method: "POST",
        headers,
        body: JSON.stringify({ url: $("short-url").value }),
      });
      if (res.status !== 201) throw new Error(await errorOf(res));
      const short = await res.json();
      status.textContent = "";
      showLink(new URL(short.url, location.origin).href, `Redirects to ${short.target_url}`);
    } catch (err) {
      status.textContent = `Could not shorten: ${err.message}`;
      status.classList.add("error");
    } finally {
      $("pow-progress").hidden = true;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// View page
// ---------------------------------------------------------------------------------------------

/** What the bytes are, from their first bytes (encrypted pastes carry no type). */
function sniff(bytes) {
  const starts = (...sig) => sig.every((b, i) => bytes[i] === b);
  const ascii = (at, text) => [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { kind: "image", type: "image/png", ext: "png" };
  if (starts(0xff, 0xd8, 0xff)) return { kind: "image", type: "image/jpeg", ext: "jpg" };
  if (ascii(0, "GIF8")) return { kind: "image", type: "image/gif", ext: "gif" };
  if (ascii(0, "RIFF") && ascii(8, "WEBP")) return { kind: "image", type: "image/webp", ext: "webp" };
  if (ascii(0, "RIFF") && ascii(8, "WAVE")) return { kind: "audio", type: "audio/wav", ext: "wav" };
  if (ascii(0, "ID3") || starts(0xff, 0xfb)) return { kind: "audio", type: "audio/mpeg", ext: "mp3" };
  if (ascii(0, "OggS")) return { kind: "audio", type: "audio/ogg", ext: "ogg" };
  if (ascii(0, "fLaC")) return { kind: "audio", type: "audio/flac", ext: "flac" };
  if (ascii(4, "ftyp")) return { kind: "video", type: "video/mp4", ext: "mp4" };
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return { kind: "video", type: "video/webm", ext: "webm" };
  if (ascii(0, "%PDF")) return { kind: "file", type: "application/pdf", ext: "pdf" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { kind: "text", type: "text/plain", ext: "txt", text };
  } catch {
    return { kind: "file", type: "application/octet-stream", ext: "bin" };
  }
}

const KEYWORDS = new Set(
  (
    "if else for while do return function const let var class new import export from def elif try except " +
    "finally raise with as in is not and or None True False null true false undefined this self async await " +
    "switch case break continue default struct enum impl fn pub use mod match type interface package func go " +
    "int void char long double float bool string public private protected static final throw throws catch"
  ).split(" "),
);
const TOKEN =
  /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_.xXa-fA-F]*\b)|([A-Za-z_$][\w$]*)/g;

/** A light, language-agnostic highlighter: comments, strings, numbers, common keywords. */
function highlight(text, into) {
  if (text.length > 200_000) {
    into.textContent = text;
    return;
  }
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "n" : KEYWORDS.has(m[4]) ? "k" : null;
    if (!cls) continue;
    into.append(text.slice(last, m.index));
    const span = document.createElement("span");
    span.className = cls;
    span.textContent = m[0];
    into.append(span);
    last = m.index + m[0].length;
  }
  into.append(text.slice(last));
}

function show(bytes, id) {
  const found = sniff(bytes);
  // A blob: URL runs on this page's origin when opened in a tab: it is typed only as what the page
  // itself recognised from the bytes (text/plain, images other than SVG, audio, video), never with
  // the type the server or the uploader declared (text/html and image/svg+xml would run script).
  const type = found.kind === "file" ? "application/octet-stream" : found.type;
  const blob = new Blob([bytes], { type });
  const url = URL.createObjectURL(blob);
  const content = $("content");
  content.replaceChildren();
  if (found.kind === "text") {
    const pre = document.createElement("pre");
    const code = document.createElement("code");
    highlight(found.text, code);
    pre.append(code);
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Paste content");
    content.append(pre);
    $("copy-text").hidden = false;
    $("copy-text").onclick = () => navigator.clipboard.writeText(found.text);
  } else if (found.kind === "image") {
    const img = document.createElement("img");
    img.src = url;
    img.alt = "The pasted image";
    content.append(img);
  } else if (found.kind === "audio" || found.kind === "video") {
    const media = document.createElement(found.kind);
    media.controls = true;
    media.src = url;
    content.append(media);
  } else {
    const p = document.createElement("p");
    p.textContent = `A ${found.type} file of ${bytes.length} bytes.`;
    content.append(p);
  }
  $("download").href = url;
  $("download").download = `${id}.${found.ext}`;
  $("download-row").hidden = false;
}

async function setupView() {
  $("view").hidden = false;
  const id = location.pathname
    .slice(prefix.length)
    .replace(/^\//, "")
    .replace(/\/raw$/, "");
  const status = $("view-status");
  const key = location.hash ? keyFromFragment(location.hash) : null;
  if (location.hash && !key)
    status.textContent = "The link's key (after #) is malformed: the paste cannot be decrypted.";
  let password = "";

  const fail = (text) => {
    status.textContent = text;
    status.classList.add("error");
  };

  async function metadata() {
    const headers = { ...json, ...(password && { "x-paste-password": password }) };
    return fetch(api(`/${id}`), { headers });
  }

  async function open() {
    const headers = password ? { "x-paste-password": password } : {};
    const res = await fetch(api(`/${id}/raw`), { headers });
    if (res.status !== 200)
      return fail(
        res.status === 404
          ? "This paste does not exist, has expired or was already read."
          : await errorOf(res),
      );
    let bytes = new Uint8Array(await res.arrayBuffer());
    if (key) {
      try {
        bytes = await decrypt(bytes, key);
      } catch {
        return fail(
          "Could not decrypt this paste: the key in the link is wrong, or the paste is not encrypted.",
        );
      }
    }
    status.textContent = key ? "Decrypted in this browser." : "";
    show(bytes, id);
  }

  async function start() {
    const res = await metadata();
    if (res.status === 401) {
      $("password-form").hidden = false;
      $("view-password").focus();
      return;
    }
    if (res.status === 403) {
      fail("Wrong password.");
      $("password-form").hidden = false;
      $("view-password").focus();
      return;
    }
    if (res.status !== 200)
      return fail(
        res.status === 404
          ? "This paste does not exist, has expired or was already read."
          : await errorOf(res),
      );
    $("password-form").hidden = true;
    status.classList.remove("error");
    status.textContent = "";
    const meta = await res.json();
    $("view-meta").textContent =
      `${meta.size} bytes · created ${new Date(meta.created_at * 1000).toLocaleString()}${meta.burn_after_read ? " · burns after reading" : ""}`;
    if (meta.burn_after_read) {
      $("burn-guard").hidden = false;
      $("reveal").focus();
      return;
    }
    await open();
  }

  $("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    password = $("view-password").value;
    await start();
  });
  $("reveal").addEventListener("click", async () => {
    $("burn-guard").hidden = true;
    await open();
  });
  await start();
}

if (document.body.dataset.view === "paste") setupView();
else setupCreate();
