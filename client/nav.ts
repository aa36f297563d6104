// The header controls: lesson picker, overall progress, language switch.
import { isLang, LANGS, type Lang, type LessonSummary } from "../server/protocol.ts";
import { lessonHref } from "./address.ts";
import { LANG_NAMES, t } from "./i18n.ts";
import { storeLang } from "./lang.ts";

export function fillLessonPicker(
  picker: HTMLSelectElement,
  lessons: LessonSummary[],
  currentId: string | undefined,
  listLoaded: boolean,
): void {
  picker.replaceChildren();
  if (lessons.length === 0) {
    picker.append(new Option(listLoaded ? t("picker.empty") : t("lesson.listFailed"), ""));
    picker.disabled = true;
    return;
  }
  if (!currentId || !lessons.some((l) => l.id === currentId)) {
    const placeholder = new Option("—", "", true, true);
    placeholder.disabled = true;
    picker.append(placeholder);
  }
  for (const lesson of lessons) {
    picker.append(new Option(`${lesson.title} (${lesson.passed}/${lesson.total})`, lesson.id, false, lesson.id === currentId));
  }
  picker.disabled = false;
  // Assigned, not added: the picker is refilled when progress changes.
  picker.onchange = () => {
    if (picker.value && picker.value !== currentId) location.assign(lessonHref(picker.value));
  };
}

/** "7 / 18 exercises done" over every lesson, in the header. */
export function showOverallProgress(el: HTMLElement, lessons: LessonSummary[]): void {
  const passed = lessons.reduce((n, l) => n + l.passed, 0);
  const total = lessons.reduce((n, l) => n + l.total, 0);
  el.textContent = total ? t("progress.overall").replace("{passed}", String(passed)).replace("{total}", String(total)) : "";
  el.dataset.passed = String(passed);
  el.dataset.total = String(total);
}

/** Changing the language reloads the page with ?lang=, which reconnects the socket in that language. */
export function fillLanguageSwitch(select: HTMLSelectElement, current: Lang): void {
  select.replaceChildren(...LANGS.map((l) => new Option(LANG_NAMES[l], l, false, l === current)));
  select.addEventListener("change", () => {
    const next = select.value;
    if (!isLang(next) || next === current) return;
    storeLang(next);
    const url = new URL(location.href);
    url.searchParams.set("lang", next);
    location.assign(url.toString());
  });
}
