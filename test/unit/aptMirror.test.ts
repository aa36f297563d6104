import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hostDebianMirror, parseDeb822, parseSourcesList } from "../../server/provision/aptMirror.ts";
import { SetupError } from "../../server/provision/setupError.ts";

describe("parseSourcesList", () => {
  it("reads one-line entries, with or without options, skipping comments, deb-src and security", () => {
    const text = [
      "# deb http://commented.example/debian bookworm main",
      "deb http://mirror.example/debian bookworm main",
      "  deb [arch=amd64 signed-by=/usr/share/keyrings/debian.gpg] http://signed.example/debian bookworm-updates main",
      "deb-src http://src.example/debian bookworm main",
      "deb http://security.example/debian-security bookworm-security main",
      "",
      "garbage line",
      "deb\thttp://tab.example/debian\tbookworm main",
    ].join("\n");
    expect(parseSourcesList(text)).toEqual([
      "http://mirror.example/debian",
      "http://signed.example/debian",
      "http://tab.example/debian",
    ]);
  });

  it("handles Windows line endings", () => {
    expect(parseSourcesList("deb http://mirror.example/debian bookworm main\r\n")).toEqual(["http://mirror.example/debian"]);
  });

  it("needs a suite after the URI", () => {
    expect(parseSourcesList("deb http://mirror.example/debian")).toEqual([]);
  });
});

describe("parseDeb822", () => {
  it("reads URIs of enabled deb stanzas that are not security suites", () => {
    const text = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://src.example/debian
Suites: bookworm

Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no

Types: deb deb-src
URIs: http://one.example/debian http://two.example/debian
Suites: bookworm
Enabled: yes
`;
    expect(parseDeb822(text)).toEqual([
      "http://mirror.example/debian",
      "http://one.example/debian",
      "http://two.example/debian",
    ]);
  });

  it("reads field names case-insensitively and tolerates blank lines with spaces and CRLF", () => {
    const text = "types: deb\r\nuris: http://a.example/debian\r\nsuites: bookworm\r\n  \r\nTypes: deb\r\nURIs: http://b.example/debian\r\nSuites: bookworm\r\nENABLED: No\r\n";
    expect(parseDeb822(text)).toEqual(["http://a.example/debian"]);
  });

  it("skips stanzas without Types, and commented-out fields", () => {
    expect(parseDeb822("URIs: http://a.example/debian\nSuites: bookworm\n")).toEqual([]);
    expect(parseDeb822("#Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\n")).toEqual([]);
  });
});

describe("hostDebianMirror", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shiplab-apt-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  it("finds the mirror in sources.list.d/debian.sources", () => {
    write("sources.list.d/debian.sources", "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n");
    expect(hostDebianMirror(dir)).toBe("http://mirror.example/debian");
  });

  it("finds the mirror in sources.list", () => {
    write("sources.list", "deb http://mirror.example/debian bookworm main\n");
    expect(hostDebianMirror(dir)).toBe("http://mirror.example/debian");
  });

  it("prefers a URI ending in /debian over other http ones", () => {
    write("sources.list", "deb http://other.example/ubuntu jammy main\n");
    write("sources.list.d/extra.list", "deb https://docker.example/linux bookworm stable\n");
    write("sources.list.d/debian.sources", "Types: deb\nURIs: https://mirror.example/debian/\nSuites: bookworm\n");
    expect(hostDebianMirror(dir)).toBe("https://mirror.example/debian/");
  });

  it("falls back to the first http URI and ignores non-http ones and other file types", () => {
    write("sources.list", "deb file:///srv/local/debian bookworm main\ndeb cdrom:[Debian]/ bookworm main\n");
    write("sources.list.d/a.list", "deb http://first.example/repo bookworm main\n");
    write("sources.list.d/b.txt", "deb http://ignored.example/debian bookworm main\n");
    expect(hostDebianMirror(dir)).toBe("http://first.example/repo");
  });

  it("throws a SetupError saying what to do when there is no mirror", () => {
    let error: unknown;
    try {
      hostDebianMirror(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SetupError);
    expect((error as Error).message).toMatch(/found no Debian mirror/);
    expect((error as Error).message).toMatch(/add one to \/etc\/apt\/sources\.list/);
  });

  it("throws when the only entries are security or disabled", () => {
    write("sources.list.d/debian.sources", "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\n");
    expect(() => hostDebianMirror(dir)).toThrow(SetupError);
  });

  it("throws when the folder does not exist", () => {
    expect(() => hostDebianMirror(path.join(dir, "nope"))).toThrow(SetupError);
  });
});
