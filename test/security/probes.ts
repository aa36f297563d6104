// Small C programs a learner could write and compile in their box (gcc is there for the
// images lesson), each trying one way out. They print one word saying what happened; the
// tests read that word. Nothing here writes anything outside the box when it is refused.
import { sh } from "../support/testHost.ts";

export const PROBES = {
  /** Loads a two-instruction socket filter (r0 = 0; exit): any eBPF load at all. */
  bpf: String.raw`
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void) {
  struct bpf_insn prog[] = {
    { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
    { .code = BPF_JMP | BPF_EXIT },
  };
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  attr.insns = (unsigned long)prog;
  attr.insn_cnt = 2;
  attr.license = (unsigned long)"GPL";
  long fd = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
  if (fd >= 0) { puts("BPF-LOADED"); return 0; }
  printf("bpf-refused %s\n", strerror(errno));
  return 1;
}`,
  /** open_by_handle_at with the handle of inode 2 (the root of an ext4 host disk), "shocker". */
  handle: String.raw`
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <stdlib.h>
int main(void) {
  struct file_handle *h = malloc(sizeof(struct file_handle) + 8);
  h->handle_bytes = 8;
  h->handle_type = 1; /* FILEID_INO32_GEN */
  unsigned int ino_gen[2] = { 2, 0 };
  memcpy(h->f_handle, ino_gen, 8);
  int mount_fd = open("/", O_RDONLY);
  int fd = open_by_handle_at(mount_fd, h, O_RDONLY);
  if (fd >= 0) { puts("HANDLE-OPENED"); return 0; }
  printf("handle-refused %s\n", strerror(errno));
  return 1;
}`,
  /** Makes a btrfs subvolume: it would sit outside the box's disk quota. */
  subvolume: String.raw`
#include <linux/btrfs.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
int main(void) {
  struct btrfs_ioctl_vol_args args;
  memset(&args, 0, sizeof args);
  strcpy(args.name, "escape-subvolume");
  int dir = open("/root", O_RDONLY | O_DIRECTORY);
  if (ioctl(dir, BTRFS_IOC_SUBVOL_CREATE, &args) == 0) { puts("SUBVOLUME-MADE"); return 0; }
  printf("subvolume-refused %s\n", strerror(errno));
  return 1;
}`,
} as const;

/** Compiles a probe in the box (as a learner would) and runs it; returns its output. */
export async function runProbe(container: string, name: keyof typeof PROBES): Promise<string> {
  const build = await sh(container, `cat > /tmp/${name}.c <<'SHIPLAB_EOF'\n${PROBES[name]}\nSHIPLAB_EOF\ngcc -O0 -o /tmp/${name} /tmp/${name}.c && echo compiled`);
  if (!build.out.includes("compiled")) throw new Error(`probe ${name} did not compile:\n${build.out}`);
  return (await sh(container, `/tmp/${name}`)).out;
}
