// The learner page's first script (see connection.ts): opens the connection to the server
// while the rest of the page (app.js) loads. Keep its imports tiny.
import { lessonIdFromPath } from "./address.ts";
import { openConnection } from "./connection.ts";
import { detectLang } from "./lang.ts";

performance.mark("shiplab:boot");
const lessonId = lessonIdFromPath(location.pathname);
// On /join the lesson is known only from the list: main.ts opens the connection then.
if (lessonId) openConnection(detectLang(), lessonId);
