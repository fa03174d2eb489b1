// A small W3C WebDriver client over fetch (Node 20): enough to drive the app through
// tauri-driver and WebKitWebDriver. Kept out of the Cargo workspace on purpose.

export const Key = {
  Enter: "\uE007",
  Escape: "\uE00C",
  Shift: "\uE008",
  Control: "\uE009",
  Space: " ",
};

export class Session {
  static async start(server, capabilities) {
    const res = await call(server, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    return new Session(server, res.sessionId);
  }

  constructor(server, id) {
    this.server = server;
    this.id = id;
  }

  cmd(method, path, body) {
    return call(this.server, method, `/session/${this.id}${path}`, body);
  }

  /// The first element matching `css`, waiting up to `ms` for it.
  async find(css, ms = 15000) {
    const until = Date.now() + ms;
    for (;;) {
      try {
        const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
        return Object.values(el)[0];
      } catch (e) {
        if (Date.now() > until) throw new Error(`no element ${css} after ${ms} ms: ${e.message}`);
        await sleep(100);
      }
    }
  }

  /// The text of the first element matching `css` (read in the page: an element found one call
  /// and read the next can be gone in between, when the page re-renders).
  async text(css) {
    await this.find(css);
    return this.script("return document.querySelector(arguments[0])?.innerText ?? '';", css);
  }

  async click(css) {
    return this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }

  async clear(css) {
    return this.cmd("POST", `/element/${await this.find(css)}/clear`, {});
  }

  async type(css, text) {
    return this.cmd("POST", `/element/${await this.find(css)}/value`, { text });
  }

  /// Presses `key` with `modifiers` held, as a person would.
  async press(key, ...modifiers) {
    const down = modifiers.map((m) => ({ type: "keyDown", value: m }));
    const up = modifiers.reverse().map((m) => ({ type: "keyUp", value: m }));
    await this.cmd("POST", "/actions", {
      actions: [
        {
          type: "key",
          id: "keyboard",
          actions: [...down, { type: "keyDown", value: key }, { type: "keyUp", value: key }, ...up],
        },
      ],
    });
    await this.cmd("DELETE", "/actions");
  }

  script(source, ...args) {
    return this.cmd("POST", "/execute/sync", { script: source, args });
  }

  /// Resolves after two animation frames: a screenshot taken sooner can show the previous frame.
  settle() {
    return this.cmd("POST", "/execute/async", {
      script: "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
      args: [],
    });
  }

  async screenshot() {
    await this.settle();
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  /// Waits until `predicate` (run in the page) returns something truthy, and returns it.
  async until(predicate, what, ms = 15000) {
    const until = Date.now() + ms;
    for (;;) {
      const value = await this.script(`return (${predicate})();`);
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  }

  end() {
    return call(this.server, "DELETE", `/session/${this.id}`);
  }
}

async function call(server, method, path, body) {
  const res = await fetch(server + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? res.status} ${v.message ?? ""}`.trim());
  }
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
