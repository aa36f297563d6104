// The dashboard's words, in both languages of the course.
import type { Lang } from "../../server/protocol.ts";

const en = {
  "teach.role": "for teachers",
  "teach.logout": "Log out",
  "login.title": "Teacher login",
  "login.name": "Name",
  "login.password": "Password",
  "login.submit": "Log in",
  "login.failed": "Could not log in: {error}",
  "classes.title": "Your classes",
  "classes.none": "No classes yet: create one below.",
  "classes.members": "{n} learners",
  "classes.ended": "ended",
  "new.title": "New class",
  "new.name": "Name",
  "new.lessons": "Lessons",
  "new.endsAt": "Ends at (optional)",
  "new.max": "Most learners (optional)",
  "new.create": "Create class",
  "class.code": "Join code",
  "class.link": "Join link",
  "class.exportCsv": "Export CSV",
  "class.exportJson": "Export JSON",
  "class.end": "End class",
  "class.endConfirm": "End this class? Its learners' boxes are removed; their progress is kept.",
  "class.ended": "This class has ended.",
  "class.pick": "Pick a class on the left, or create one.",
  "grid.filter": "Filter by name",
  "grid.sort": "Sort by",
  "grid.sortName": "name",
  "grid.sortProgress": "progress",
  "grid.sortStuck": "stuck first",
  "grid.stuckOnly": "Stuck only",
  "grid.stuckAfter": "Stuck after (min)",
  "grid.learner": "Learner",
  "grid.lesson": "Lesson",
  "grid.box": "Box",
  "grid.last": "Last progress",
  "grid.passed": "Done",
  "grid.stuck": "stuck",
  "grid.empty": "No learners yet: give them the join code.",
  "grid.attempts": "{n} failed attempts",
  "box.starting": "starting",
  "box.ready": "ready",
  "box.dead": "dead",
  "box.reaped": "reaped",
  "box.error": "error",
  "box.unknown": "–",
  "ago.now": "just now",
  "ago.min": "{n} min ago",
  "ago.hour": "{n} h ago",
  "live.lost": "Live updates lost — reconnecting…",
};

const zhCN: Record<keyof typeof en, string> = {
  "teach.role": "教师版",
  "teach.logout": "退出登录",
  "login.title": "教师登录",
  "login.name": "用户名",
  "login.password": "密码",
  "login.submit": "登录",
  "login.failed": "登录失败：{error}",
  "classes.title": "你的班级",
  "classes.none": "还没有班级：在下面创建一个。",
  "classes.members": "{n} 名学员",
  "classes.ended": "已结束",
  "new.title": "新建班级",
  "new.name": "名称",
  "new.lessons": "课程",
  "new.endsAt": "结束时间（可选）",
  "new.max": "人数上限（可选）",
  "new.create": "创建班级",
  "class.code": "加入代码",
  "class.link": "加入链接",
  "class.exportCsv": "导出 CSV",
  "class.exportJson": "导出 JSON",
  "class.end": "结束班级",
  "class.endConfirm": "确定结束这个班级吗？学员的沙箱会被回收，学习进度会保留。",
  "class.ended": "这个班级已经结束。",
  "class.pick": "在左侧选择一个班级，或新建一个。",
  "grid.filter": "按名字筛选",
  "grid.sort": "排序",
  "grid.sortName": "名字",
  "grid.sortProgress": "进度",
  "grid.sortStuck": "卡住的在前",
  "grid.stuckOnly": "只看卡住的",
  "grid.stuckAfter": "多久无进展算卡住（分钟）",
  "grid.learner": "学员",
  "grid.lesson": "课程",
  "grid.box": "沙箱",
  "grid.last": "最近进展",
  "grid.passed": "完成",
  "grid.stuck": "卡住",
  "grid.empty": "还没有学员：把加入代码发给他们。",
  "grid.attempts": "失败 {n} 次",
  "box.starting": "启动中",
  "box.ready": "就绪",
  "box.dead": "已停止",
  "box.reaped": "已回收",
  "box.error": "出错",
  "box.unknown": "–",
  "ago.now": "刚刚",
  "ago.min": "{n} 分钟前",
  "ago.hour": "{n} 小时前",
  "live.lost": "实时更新已断开——正在重新连接…",
};

export type TeachKey = keyof typeof en;
const TABLE: Record<Lang, Record<TeachKey, string>> = { en, "zh-CN": zhCN };
let lang: Lang = "en";

export function setTeachLang(l: Lang): void {
  lang = l;
  document.documentElement.lang = l;
}

export function tt(key: TeachKey, vars: Record<string, string | number> = {}): string {
  return TABLE[lang][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function applyTeachTranslations(): void {
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) el.textContent = tt(el.dataset.i18n as TeachKey);
}
