// UI strings in the page language (which one: lang.ts). Every key must exist in both languages (the types enforce it).
import type { Lang } from "../server/protocol.ts";

export const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "简体中文" };

const en = {
  "app.tagline": "Learn Docker by doing it",
  "picker.label": "Lesson",
  "picker.empty": "No lessons",
  "progress.overall": "{passed} / {total} exercises done",
  "picker.loading": "Loading…",
  "lang.label": "Language",
  "lesson.loading": "Loading the lesson…",
  "lesson.empty": "There are no lessons yet. Add some to the lessons folder and restart Shiplab — the terminal on the right works anyway.",
  "lesson.listFailed": "The list of lessons could not be loaded.",
  "lesson.httpError": "The lesson could not be loaded (HTTP {status}).",
  "lesson.networkError": "Shiplab's server could not be reached. Check that it is still running, then reload this page.",
  "lesson.badResponse": "The server's answer could not be read. Reload the page to try again.",
  "lesson.viewFailed": "This lesson could not be shown: part of the page did not load. Reload the page to try again; the terminal works meanwhile.",
  "lesson.backToFirst": "Go to the first lesson",
  "lesson.retry": "Try again",
  "exercises.heading": "Exercises",
  "exercises.none": "This lesson has no exercises.",
  "exercises.check": "Check now",
  "exercises.checking": "Checking…",
  "exercises.progress": "{passed} of {total} done",
  "exercise.passed": "✓ passed",
  "exercise.notYet": "✗ not yet",
  "exercise.hints": "Hints ({count})",
  "answer.label": "Your answer",
  "answer.placeholder": "Type your answer here",
  "answer.submit": "Submit",
  "answer.checking": "Checking…",
  "answer.empty": "Type your answer first, then press Submit.",
  "answer.notConnected": "Not connected — your answer was not sent. Wait until the connection is back, then press Submit again.",
  "answer.timeout": "The server did not reply within {seconds} seconds, so your answer may not have been checked. Press Submit to try again.",
  "answer.badReply": "The server's reply could not be read. Press Submit to try again.",
  "answer.failed": "Your answer could not be sent. Press Submit to try again.",
  "code.copy": "Copy",
  "code.copied": "Copied",
  "code.copyFailed": "Copy failed",
  "code.run": "Run",
  "code.runTitle": "Type this into the terminal",
  "status.connecting": "Connecting to your sandbox…",
  "status.connected": "Connected. Waiting for your sandbox…",
  "status.lost": "Connection lost — reconnecting…",
  "status.kicked": "The server closed this connection.",
  "status.reconnect": "Reconnect",
  "status.connectError": "Could not connect to the server: {message}",
  "status.notConnected": "Not connected — that was not sent to the terminal.",
  "state.starting": "Starting",
  "state.ready": "Ready",
  "state.reconnected": "Reconnected",
  "state.shell-exited": "Shell exited",
  "state.error": "Error",
  "terminal.label": "Terminal",
  "terminal.keys": "Tab completes in the shell; Shift+Tab goes back to the lesson.",
  "hood.toggle": "Under the hood",
  "terminal.restart": "New shell",
  "terminal.restartHint": "Ends whatever holds this terminal (a program that ignores Ctrl-C) and opens a new shell in the same box. Your images and containers stay.",
  "hood.none": "Run a docker command: the Engine API requests it sends to the daemon appear here. (Your last command sent none.)",
  "hood.one": "Your last command made 1 Engine API request:",
  "hood.count": "Your last command made {count} Engine API requests:",
  "hood.earlier": "{count} Engine API requests from before this page opened:",
  "hood.cut": "(the first {shown} are shown)",
  "hood.noAnswer": "No answer: the command ended before the daemon answered",
  "clipboard.label": "Box may copy",
  "clipboard.hint": "Let programs in your box (vim, tmux, printf with OSC 52) put text on your clipboard. Off by default: what a box prints is not to be trusted.",
  "clipboard.copied": "Copied to your clipboard by a program in your box.",
  "join.title": "Join a class",
  "join.code": "Class code",
  "join.name": "Your name (as your teacher will see it)",
  "join.submit": "Join",
  "join.classIs": "Class: {name}",
  "join.classEnded": "The class {name} has ended.",
  "join.recoverNote": "Joined already, on another device? Type the recovery code you were given:",
  "join.recoveryCode": "Recovery code",
  "join.recover": "Continue where I was",
  "join.later": "Not now",
  "join.welcome": "Welcome, {name}: you are in {class}.",
  "join.keepCode": "Keep this recovery code. With it you can continue on another device (it is also in the menu at the top):",
  "join.start": "Start",
  "join.link": "Join a class",
  "join.yourCode": "Your recovery code, to continue on another device:",
  "join.noCodeHere": "Your recovery code was shown when you joined, on your first device.",
} as const;

export type StringKey = keyof typeof en;

const zhCN: Record<StringKey, string> = {
  "app.tagline": "动手学 Docker",
  "picker.label": "课程",
  "picker.empty": "暂无课程",
  "progress.overall": "已完成 {passed} / {total} 个练习",
  "picker.loading": "加载中…",
  "lang.label": "语言",
  "lesson.loading": "正在加载课程…",
  "lesson.empty": "还没有课程。请把课程放进 lessons 文件夹并重启 Shiplab —— 右侧的终端仍然可以使用。",
  "lesson.listFailed": "无法加载课程列表。",
  "lesson.httpError": "无法加载该课程（HTTP {status}）。",
  "lesson.networkError": "无法连接到 Shiplab 服务器。请确认它仍在运行，然后刷新本页。",
  "lesson.badResponse": "无法读取服务器的响应。请刷新页面重试。",
  "lesson.viewFailed": "无法显示本课：页面有一部分没有加载成功。请刷新页面重试；在此期间终端仍可使用。",
  "lesson.backToFirst": "前往第一课",
  "lesson.retry": "重试",
  "exercises.heading": "练习",
  "exercises.none": "本课没有练习。",
  "exercises.check": "立即检查",
  "exercises.checking": "检查中…",
  "exercises.progress": "已完成 {passed} / {total}",
  "exercise.passed": "✓ 已通过",
  "exercise.notYet": "✗ 尚未完成",
  "exercise.hints": "提示（{count}）",
  "answer.label": "你的答案",
  "answer.placeholder": "在这里填写答案",
  "answer.submit": "提交",
  "answer.checking": "检查中…",
  "answer.empty": "请先填写答案，再点击“提交”。",
  "answer.notConnected": "未连接 —— 答案没有发送。请等连接恢复后再点击“提交”。",
  "answer.timeout": "服务器在 {seconds} 秒内没有响应，你的答案可能没有被检查。请再点击“提交”重试。",
  "answer.badReply": "无法读取服务器的响应。请再点击“提交”重试。",
  "answer.failed": "答案没有发送出去。请再点击“提交”重试。",
  "code.copy": "复制",
  "code.copied": "已复制",
  "code.copyFailed": "复制失败",
  "code.run": "运行",
  "code.runTitle": "把这段命令输入到终端",
  "status.connecting": "正在连接你的沙箱…",
  "status.connected": "已连接，正在等待沙箱…",
  "status.lost": "连接已断开 —— 正在重新连接…",
  "status.kicked": "服务器关闭了此连接。",
  "status.reconnect": "重新连接",
  "status.connectError": "无法连接到服务器：{message}",
  "status.notConnected": "未连接 —— 内容没有发送到终端。",
  "state.starting": "启动中",
  "state.ready": "就绪",
  "state.reconnected": "已重新连接",
  "state.shell-exited": "Shell 已退出",
  "state.error": "错误",
  "terminal.label": "终端",
  "terminal.keys": "Tab 键在终端里补全命令；Shift+Tab 回到课文。",
  "hood.toggle": "幕后",
  "terminal.restart": "新终端",
  "terminal.restartHint": "结束占住这个终端的程序（例如不理会 Ctrl-C 的程序），在同一个沙箱里打开一个新的终端会话。你的镜像和容器都会保留。",
  "hood.none": "运行一条 docker 命令，它发给守护进程的 Engine API 请求会列在这里。（你上一条命令没有发出请求。）",
  "hood.one": "你上一条命令发出了 1 个 Engine API 请求：",
  "hood.count": "你上一条命令发出了 {count} 个 Engine API 请求：",
  "hood.earlier": "打开本页之前发出的 {count} 个 Engine API 请求：",
  "hood.cut": "（只显示前 {shown} 个）",
  "hood.noAnswer": "没有应答：守护进程还没回应，命令就结束了",
  "clipboard.label": "允许沙箱复制",
  "clipboard.hint": "允许沙箱里的程序（vim、tmux、用 printf 输出 OSC 52）把文字放到你的剪贴板。默认关闭：沙箱输出的内容不可信。",
  "clipboard.copied": "沙箱里的程序已把文字复制到你的剪贴板。",
  "join.title": "加入班级",
  "join.code": "班级代码",
  "join.name": "你的名字（老师会看到）",
  "join.submit": "加入",
  "join.classIs": "班级：{name}",
  "join.classEnded": "班级 {name} 已经结束。",
  "join.recoverNote": "已经在别的设备上加入过？请输入当时得到的恢复码：",
  "join.recoveryCode": "恢复码",
  "join.recover": "从上次的地方继续",
  "join.later": "稍后再说",
  "join.welcome": "欢迎，{name}：你已加入 {class}。",
  "join.keepCode": "请保存这个恢复码。有了它，你可以在别的设备上继续学习（页面顶部的菜单里也能看到）：",
  "join.start": "开始",
  "join.link": "加入班级",
  "join.yourCode": "你的恢复码，用于在别的设备上继续：",
  "join.noCodeHere": "恢复码在你第一次加入时、在第一台设备上显示过。",
};

const STRINGS: Record<Lang, Record<StringKey, string>> = { en, "zh-CN": zhCN };

let current: Lang = "en";

export function setLang(lang: Lang): void {
  current = lang;
  document.documentElement.lang = lang;
}

export function getLang(): Lang {
  return current;
}

/** Translates a key, replacing {name} placeholders. */
export function t(key: StringKey, vars?: Record<string, string | number>): string {
  const text = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** Fills elements marked with data-i18n="key" (text), data-i18n-aria="key" (aria-label) and data-i18n-title="key" (title). */
export function applyTranslations(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n as StringKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-aria]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAria as StringKey));
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle as StringKey);
  }
}
