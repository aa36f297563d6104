// What the learner is told about their box, in each language the page speaks.
import { msg, type Localized } from "../checks/types.ts";
import type { RemovalReason } from "../sandbox/sandboxManager.ts";

export const BOX_MESSAGES = {
  starting: msg("Starting your box…", "正在启动你的沙箱…"),
  ready: msg("Your box is ready: this terminal is a root shell in it.", "沙箱已就绪：这是沙箱里的 root 终端。"),
  reconnected: msg("Reconnected to your box; recent output is shown again.", "已重新连接到你的沙箱，最近的输出已恢复。"),
  shellExited: msg("The shell ended. Press Enter to start a new one.", "终端会话已结束。按回车键开始一个新的会话。"),
  shellRestarted: msg("A new shell is open, in the same box: your images and containers are still there.", "已打开一个新的终端会话，仍在同一个沙箱里：你的镜像和容器都还在。"),
  replaced: msg(
    "Your previous box is gone (it stopped, or was idle or too old), so you have a fresh one: images and containers from before are gone, your progress is kept.",
    "你之前的沙箱已不存在（已停止、闲置太久或超过使用时长），已为你换了一个新的：之前的镜像和容器没有了，但学习进度仍然保留。",
  ),
  alreadyPassed: msg("You have passed this exercise already, so this answer was not checked: your passing answer stays.", "你已经通过了这个练习，所以这次的答案没有被检查：你通过时的答案仍然有效。"),
  noSuchAnswerExercise: msg("That exercise takes no typed answer; reload the page.", "这个练习不需要填写答案；请刷新页面。"),
  malformedAnswer: (why: Localized): Localized => msg(`That answer could not be read: ${why.en}.`, `无法读取这个答案：${why["zh-CN"]}。`),
  setupFailed: (why: string): Localized =>
    msg(
      `This lesson could not prepare your box (${why}). Reload the page to try again.`,
      `本课未能准备好你的沙箱（${why}）。请刷新页面重试。`,
    ),
  inputNotText: msg("Terminal input must be text of at most 64 KiB per message.", "终端输入必须是文本，每条消息最多 64 KiB。"),
  badSize: msg("A terminal size must be whole numbers: 2–500 columns and 1–200 rows.", "终端尺寸必须是整数：2–500 列、1–200 行。"),
  unknownEvent: msg("The server knows no such request.", "服务器不认识这个请求。"),
  needsAck: msg("An answer must come with a callback for the server's reply.", "提交答案时必须附带回调，以便服务器答复。"),
  requestFailed: msg("The server could not handle that request; it was ignored.", "服务器无法处理这个请求，已忽略。"),
  engineDown: msg(
    "Shiplab cannot reach the Docker Engine that runs the boxes right now: tell your teacher. Your progress is kept; press Enter to try again once it is back.",
    "Shiplab 暂时连不上运行沙箱的 Docker 引擎：请告诉老师。你的学习进度会保留；引擎恢复后按回车键重试。",
  ),
  noTriesLeft: (n: number): Localized =>
    msg(
      `You have used your ${n} tries for this exercise: ask your teacher, who can reset it.`,
      `这个练习的 ${n} 次机会你已经用完了：请找老师，老师可以重置它。`,
    ),
  progressUnsaved: msg(
    "The server's disk is full, so your progress cannot be saved right now: tell your teacher. Keep working: what you do is checked again and saved as soon as there is space.",
    "服务器磁盘已满，你的学习进度暂时无法保存：请告诉老师。可以继续练习：一旦有空间，你的操作会重新检查并保存。",
  ),
  progressSavedAgain: msg("Your progress is being saved again.", "你的学习进度已恢复保存。"),
  noSession: msg("Your session cookie is missing or invalid: reload the page.", "会话 cookie 缺失或无效：请刷新页面。"),
  badOrigin: msg("This page's origin may not open a terminal here.", "此页面的来源不允许在这里打开终端。"),
  failed: (reason: string): Localized =>
    msg(
      `Your box could not be started (${reason}). Reload the page to try again; if it keeps failing, ask your teacher.`,
      `沙箱启动失败（${reason}）。请刷新页面重试；如果一直失败，请联系老师。`,
    ),
  removed: (reason: RemovalReason): Localized => {
    switch (reason) {
      case "idle":
        return msg("Your box was removed because no terminal was open for a while. Press Enter (or reload the page) for a new one; your progress is kept.", "由于一段时间没有打开终端，你的沙箱已被回收。按回车键（或刷新页面）即可获得新的沙箱，学习进度会保留。");
      case "reset-by-teacher":
        return msg("Your teacher gave you a fresh box. Press Enter (or reload the page) to start it; your progress is kept.", "老师为你换了一个新的沙箱。按回车键（或刷新页面）启动它；学习进度会保留。");
      case "class-ended":
        return msg("Your class has ended, so your box was removed. Your progress is kept; press Enter (or reload) to keep practising on your own.", "你的班级已经结束，沙箱已被回收。学习进度会保留；按回车键（或刷新页面）可以继续自己练习。");
      case "lifetime":
        return msg("Your box reached its maximum lifetime and was removed. Press Enter (or reload the page) for a new one; your progress is kept.", "你的沙箱已到达最长使用时间并被回收。按回车键（或刷新页面）即可获得新的沙箱，学习进度会保留。");
      default:
        return msg("Your box stopped. Press Enter (or reload the page) for a new one; your progress is kept.", "你的沙箱已停止。按回车键（或刷新页面）即可获得新的沙箱，学习进度会保留。");
    }
  },
};
