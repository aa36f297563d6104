// The debugging lesson's checks, the parts that need no daemon: which commits are the
// learner's, what a commit's own history entry must hold, the save → delete → load order,
// which prunes removed something, and the parameters.
import { describe, expect, it } from "vitest";
import { commitEntryProblem, committedImage, learnerCommits, sameCommand } from "../../server/checks/committedImage.ts";
import type { DaemonEvent } from "../../server/checks/daemonEvents.ts";
import { imageLoaded, roundTrip } from "../../server/checks/imageLoaded.ts";
import { effectivePrunes, PRUNE_DELETE_GAP_NS } from "../../server/checks/imagesPruned.ts";
import { answerFact } from "../../server/checks/answerFact.ts";
import { CHECK_PROBE_LABEL, LESSON_SETUP_LABEL } from "../../server/checks/types.ts";

let clock = 1_000_000_000;
/** An event, a millisecond after the one before unless `gapNs` says otherwise. */
function ev(Type: string, Action: string, ID: string, Attributes: Record<string, string> = {}, gapNs = 1e6): DaemonEvent {
  clock += gapNs;
  return { Type, Action, Actor: { ID, Attributes }, time: Math.floor(clock / 1e9), timeNano: clock };
}

describe("committed-image", () => {
  it("counts the learner's commits of the image, not the lab's containers' nor other images'", () => {
    const events = [
      ev("container", "commit", "c1", { imageID: "sha256:a", name: "patient" }),
      ev("container", "commit", "c2", { imageID: "sha256:a", name: "tinkerer", [LESSON_SETUP_LABEL]: "debugging" }),
      ev("container", "commit", "c3", { imageID: "sha256:a", [CHECK_PROBE_LABEL]: "1" }),
      ev("container", "commit", "c4", { imageID: "sha256:b", name: "other" }),
    ];
    expect(learnerCommits(events, "sha256:a").map((e) => e.Actor.ID)).toEqual(["c1"]);
    expect(learnerCommits(events.slice(1), "sha256:a")).toEqual([]);
  });

  it("asks for a message and a change in the commit's own entry", () => {
    expect(commitEntryProblem({ CreatedBy: "sleep 3600", Comment: "", Size: 16 }, { message: true }, "patched:latest")?.en).toMatch(/no commit message/);
    expect(commitEntryProblem({ CreatedBy: "sleep 3600", Comment: "  ", Size: 16 }, { message: true }, "patched:latest")?.en).toMatch(/no commit message/);
    expect(commitEntryProblem({ CreatedBy: "sleep 3600", Comment: "fix", Size: 0 }, { message: true }, "patched:latest")?.en).toMatch(/had no changes/);
    expect(commitEntryProblem({ CreatedBy: "sleep 3600", Comment: "", Size: 16 }, { message: false }, "patched:latest")).toBeUndefined();
    expect(commitEntryProblem({ CreatedBy: "sleep 3600", Comment: "fix", Size: 16 }, { message: true }, "patched:latest")).toBeUndefined();
  });

  it("takes the CMD as a JSON list or in shell form", () => {
    const want = ["cat", "/etc/motd"];
    expect(sameCommand(want, ["cat", "/etc/motd"])).toBe(true);
    expect(sameCommand(want, ["/bin/sh", "-c", "cat  /etc/motd"])).toBe(true);
    expect(sameCommand(want, ["sleep", "3600"])).toBe(false);
    expect(sameCommand(want, ["/bin/sh", "-c", "cat /etc/motd; rm -rf /"])).toBe(false);
    expect(sameCommand(want, null)).toBe(false);
  });

  it("reads its parameters", () => {
    const p = committedImage.parse({ repository: "patched", message: true, cmd: ["cat", "/etc/motd"], files: { "/etc/motd": "\\S", "/x": "" } });
    expect(p.pattern.test("patched:latest")).toBe(true);
    expect(p.files.map((f) => f.path)).toEqual(["/etc/motd", "/x"]);
    expect(p.files[1].content.test("")).toBe(true);
    expect(p.files[0].content.test("\n")).toBe(false);
    expect(() => committedImage.parse({ repository: "patched", files: { "etc/motd": "" } })).toThrow(/absolute/);
    expect(() => committedImage.parse({ repository: "patched", message: "yes" })).toThrow(/message/);
    expect(() => committedImage.parse({ repository: "patched", cmd: "cat" })).toThrow(/cmd/);
  });
});

describe("image-loaded: save, then delete, then load, of the same image", () => {
  const save = (id: string) => ev("image", "save", id);
  const del = (id: string) => ev("image", "delete", id);
  const load = (id: string) => ev("image", "load", id);

  it("is done in that order", () => {
    expect(roundTrip([save("a"), del("a"), load("a")], "a")).toBe("done");
    // Saved twice, loaded twice: any save → delete → load chain counts.
    expect(roundTrip([save("a"), load("a"), save("a"), del("a"), load("a")], "a")).toBe("done");
  });

  it("is not done without a load, a save before it, or a delete between", () => {
    expect(roundTrip([save("a"), del("a")], "a")).toBe("not-loaded");
    expect(roundTrip([del("a"), load("a")], "a")).toBe("not-saved");
    expect(roundTrip([load("a"), save("a"), del("a")], "a")).toBe("not-saved");
    expect(roundTrip([save("a"), load("a")], "a")).toBe("never-left");
    expect(roundTrip([del("a"), save("a"), load("a")], "a")).toBe("never-left");
  });

  it("looks at one image only", () => {
    expect(roundTrip([save("b"), del("a"), load("a")], "a")).toBe("not-saved");
    expect(roundTrip([save("a"), del("b"), load("a")], "a")).toBe("never-left");
    expect(roundTrip([save("a"), del("a"), load("b")], "a")).toBe("not-loaded");
  });

  it("needs a repository", () => {
    expect(() => imageLoaded.parse({})).toThrow(/repository/);
  });
});

describe("images-pruned: which prunes removed an image", () => {
  const prune = (reclaimed: string, gapNs?: number) => ev("image", "prune", "", { reclaimed }, gapNs);

  it("counts a prune that reclaimed space", () => {
    expect(effectivePrunes([prune("16")])).toHaveLength(1);
  });

  it("counts a prune right after its own deletes, even with nothing reclaimed (shared layers)", () => {
    expect(effectivePrunes([ev("image", "delete", "sha256:a"), prune("0", 20_000)])).toHaveLength(1);
  });

  it("does not count a prune that found nothing, even soon after a `docker rmi`", () => {
    expect(effectivePrunes([prune("0")])).toEqual([]);
    expect(effectivePrunes([ev("image", "delete", "sha256:a"), prune("0", PRUNE_DELETE_GAP_NS + 1)])).toEqual([]);
    expect(effectivePrunes([ev("image", "delete", "sha256:a"), ev("image", "tag", "sha256:b"), prune("0", 1000)])).toEqual([]);
  });
});

describe("answer-fact added-file", () => {
  it("needs a container and a pattern", () => {
    expect(() => answerFact.parse({ fact: "added-file", pattern: "^/root/" })).toThrow(/needs a container/);
    expect(() => answerFact.parse({ fact: "added-file", container: "tinkerer" })).toThrow(/pattern/);
    expect(answerFact.parse({ fact: "added-file", container: "tinkerer", pattern: "^/root/\\.[a-z]{8}$" }).pattern?.test("/root/.abcdefgh")).toBe(true);
  });
});
